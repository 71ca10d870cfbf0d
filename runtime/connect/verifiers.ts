// The real verifiers behind the connect page: the executor's verify request for credential
// connectors (an OAuth2 client-credentials one fetches a token), the MCP client's tools/list
// for MCP ones.
import { verifyCredential } from "../tools/connector-call";
import { mcpServerUrl } from "../tools/mcp/server-url";
import type { Verifiers } from "./verify";

export const connectVerifiers: Verifiers = {
  verifyCredential: (env, connectorId, credential, config, opts) => verifyCredential(env, connectorId, credential, config, opts),
  mcpServerUrl,
  // Loaded on first use: the MCP SDK stays out of the Worker's startup.
  listMcpTools: async (env, url, token) => (await import("../tools/mcp")).listMcpTools(env, url, token),
};
