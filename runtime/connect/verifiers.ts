// The real verifiers behind the connect page: the executor's verify request and the MCP client.
import type { Verifiers } from "./verify";

export const connectVerifiers: Verifiers = {
  async verifyCredential() {
    throw new Error("verifyCredential is not wired yet");
  },
  async listMcpTools() {
    throw new Error("listMcpTools is not wired yet");
  },
};
