// One tool call for one end user: the REST route POST /v1/tools/execute and the agent loop
// both call this. A name without "/" is the tenant's webhook tool; `<connector>/<tool>` runs
// with the end user's connected account (the newest, or `connectionId`), through the connector
// executor, or the MCP client for an `mcp` connector. No connected account → `not_connected`
// with a fresh connect URL, so the caller can send the end user there and call again.
import type { ConnectionRow } from "../db/connections";
import { ApiError, badRequest } from "../errors";
import { mintConnectUrl } from "../connections/mint-connect-url";
import { openConnection } from "../connections/open-connection";
import { callTool } from "../tools/connector-call";
import { mcpServerUrl } from "../tools/mcp/server-url";
import type { Credential, ToolError, ToolOutcome } from "../tools/types";
import { catalogTool, connectorAuthOf } from "./catalog";
import { storedMcpTool } from "./mcp-tools";
import { callWebhookTool } from "./webhook-call";
import { findWebhookToolRow } from "./webhook-tools";

export interface ToolCall {
  tenantId: string;
  /** Whose account runs the tool; undefined only for a master key's webhook tool call. */
  endUserId: string | undefined;
  tool: string;
  args: unknown;
  /** Use this connection of the end user (same connector) instead of the newest connected one. */
  connectionId?: string | undefined;
}

export interface CallContext {
  /** The API request's origin, for the connect URL when PUBLIC_URL is not set. */
  origin: string;
  now: number;
  requestId: string;
  signal?: AbortSignal | undefined;
}

/** The end user has no connected account at the tool's vendor. */
export interface NotConnected {
  ok: false;
  kind: "not_connected";
  connector: string;
  message: string;
  connect_url: string;
  expires_at: number;
}

export type ToolCallOutcome = ToolOutcome | NotConnected;

export async function executeForEndUser(env: Env, call: ToolCall, ctx: CallContext): Promise<ToolCallOutcome> {
  const slash = call.tool.indexOf("/");
  if (slash < 0) return runWebhookTool(env, call, ctx);
  const connector = call.tool.slice(0, slash);
  const auth = connectorAuthOf(connector);
  if (!auth) return unknownTool(call.tool);
  if (auth.mode !== "mcp" && !(await catalogTool(call.tool))) return unknownTool(call.tool);
  if (auth.mode === "none") return callTool(env, call.tool, call.args, {}, { connectionId: `none:${connector}`, signal: ctx.signal });

  if (call.endUserId === undefined) {
    throw badRequest(`${call.tool} runs with an end user's ${connector} account: pass end_user_id (a master key acts for no end user by itself)`, "body.end_user_id");
  }
  const opened = await openConnection(env, { tenantId: call.tenantId, endUserId: call.endUserId, connector, connectionId: call.connectionId });
  if (opened === null) {
    if (call.connectionId !== undefined) {
      throw new ApiError("not_found", `end user ${JSON.stringify(call.endUserId)} has no connected ${connector} connection ${JSON.stringify(call.connectionId.slice(0, 100))}; GET /v1/connections lists theirs`, { param: "body.connection_id" });
    }
    return notConnected(env, call.tenantId, call.endUserId, connector, ctx);
  }
  const { connection, credential, config } = opened;
  if (auth.mode === "mcp") return runMcpTool(env, call, connection, credential, config, auth.mcpUrl, ctx);
  return callTool(env, call.tool, call.args, credential, { connectionId: connection.id, config, signal: ctx.signal });
}

async function runWebhookTool(env: Env, call: ToolCall, ctx: CallContext): Promise<ToolOutcome> {
  const row = await findWebhookToolRow(env, call.tenantId, call.tool);
  if (!row) return unknownTool(call.tool);
  return callWebhookTool(env, row, { args: call.args, endUserId: call.endUserId ?? null, requestId: ctx.requestId, now: ctx.now, signal: ctx.signal });
}

async function runMcpTool(
  env: Env,
  call: ToolCall,
  connection: ConnectionRow,
  credential: Credential,
  config: Record<string, string>,
  manifestUrl: string | null,
  ctx: CallContext,
): Promise<ToolOutcome> {
  const name = call.tool.slice(connection.connector.length + 1);
  if (!storedMcpTool(connection.mcp_tools, name)) return unknownTool(call.tool);
  const token = credential.connection_token;
  if (manifestUrl === null) throw new ApiError("internal", `connector ${connection.connector} is an mcp connector without auth.mcp.url`);
  if (!token) return toolError("missing_credential", 401, `the ${connection.connector} connection holds no connection token; connect the account again`);
  // Loaded on first use: the MCP SDK (and its schemas) stays out of every other request's startup.
  const { callMcpTool } = await import("../tools/mcp");
  return callMcpTool(env, mcpServerUrl(env, connection.connector, manifestUrl, config), token, name, call.args, { signal: ctx.signal });
}

async function notConnected(env: Env, tenantId: string, endUserId: string, connector: string, ctx: CallContext): Promise<NotConnected> {
  const minted = await mintConnectUrl(env, { tenantId, endUserId, connector, reusePending: true }, ctx.origin, ctx.now);
  return {
    ok: false,
    kind: "not_connected",
    connector,
    message: `end user ${JSON.stringify(endUserId)} has no connected ${connector} account; send them to connect_url (valid until expires_at) to connect one, then call the tool again`,
    connect_url: minted.connect_url,
    expires_at: minted.expires_at,
  };
}

function unknownTool(name: string): ToolError {
  const shown = JSON.stringify(name.slice(0, 100));
  return toolError("unknown_tool", 404, `there is no tool ${shown}; tools are named <connector>/<tool> (e.g. github/create_issue) or after your webhook tools; POST /v1/tools/search finds them`);
}

function toolError(kind: ToolError["kind"], status: number, message: string): ToolError {
  return { ok: false, kind, status, message, retryable: false };
}
