// The real verifiers behind the connect page: the executor's verify request for credential
// connectors (an OAuth2 client-credentials one fetches a token), the MCP client's tools/list
// for MCP ones.
import { verifyCredential } from "../tools/connector-call";
import { listMcpTools, mcpServerUrl } from "../tools/mcp";
import type { Verifiers } from "./verify";

export const connectVerifiers: Verifiers = {
  verifyCredential: (env, connectorId, credential, config, opts) => verifyCredential(env, connectorId, credential, config, opts),
  mcpServerUrl,
  listMcpTools: (env, url, token) => listMcpTools(env, url, token),
};
