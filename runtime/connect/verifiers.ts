// The real verifiers behind the connect page: the executor's verify request for credential
// connectors, the MCP client's tools/list for MCP ones.
import { listMcpTools, mcpServerUrl } from "../tools/mcp";
import type { Verifiers } from "./verify";

export const connectVerifiers: Verifiers = {
  async verifyCredential() {
    // Wired to runtime/tools' verifyCredential when it lands (issue 16, H1).
    throw new Error("verifyCredential is not wired yet");
  },
  mcpServerUrl,
  listMcpTools: (env, url, token) => listMcpTools(env, url, token),
};
