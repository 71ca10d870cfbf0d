// What went wrong talking to an MCP server, as the executor's structured ToolError: the same
// kinds and statuses every other connector tool returns, so the API and the agent loop need
// no MCP special case. Every message passes the call's Redactor (the token never leaks).
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Redactor } from "../redact";
import type { ToolError, ToolErrorKind } from "../types";
import { vendorMessage } from "../vendor-message";
import { AnswerTooLarge, HostRefused } from "./guarded-fetch";

/** A failure already in ToolError form; listMcpTools throws it, callMcpTool returns its `outcome`. */
export class McpFailure extends Error {
  constructor(readonly outcome: ToolError) {
    super(outcome.message);
    this.name = "McpFailure";
  }
}

export function mcpFailure(kind: ToolErrorKind, status: number, message: string, retryable = false): McpFailure {
  return new McpFailure({ ok: false, kind, status, message, retryable });
}

/** Any error thrown by the SDK, the guarded fetch or the runtime, as one redacted ToolError. */
export function classifyMcpError(err: unknown, redact: Redactor, ctx: { host: string; timeoutMs: number }): ToolError {
  const [kind, status, message, retryable] = classify(err, ctx);
  return { ok: false, kind, status, message: redact.apply(message), retryable };
}

type Classified = [ToolErrorKind, number, string, boolean];

function classify(err: unknown, ctx: { host: string; timeoutMs: number }): Classified {
  if (err instanceof McpFailure) return [err.outcome.kind, err.outcome.status, err.outcome.message, err.outcome.retryable];
  if (err instanceof HostRefused) return ["host_refused", 502, err.message, false];
  const tooLarge = err instanceof AnswerTooLarge ? err : cause(err);
  if (tooLarge instanceof AnswerTooLarge) return ["vendor", 502, `${tooLarge.message}; ask for less (narrower arguments)`, false];
  if (err instanceof StreamableHTTPError) return httpError(err, ctx);
  if (err instanceof McpError) return protocolError(err, ctx);
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError") return timedOut(ctx);
  if (name === "AbortError") return ["timeout", 499, "the call was cancelled", false];
  if (name === "ZodError" || err instanceof SyntaxError) return ["vendor", 502, `the MCP server at ${ctx.host} answered with something that is not a valid MCP message`, false];
  // Network errors' text can include the URL: only the (redacted) cause.
  const text = err instanceof Error ? String((cause(err) as Error | undefined)?.message ?? err.message) : String(err);
  return ["network", 502, `could not reach the MCP server at ${ctx.host}: ${text}`, true];
}

function cause(err: unknown): unknown {
  return err instanceof Error ? err.cause : undefined;
}

function timedOut(ctx: { host: string; timeoutMs: number }): Classified {
  return ["timeout", 504, `the MCP server at ${ctx.host} did not answer within ${ctx.timeoutMs} ms`, true];
}

/** The SDK's "Streamable HTTP error: Error POSTing to endpoint: <body>" → the server's own reason. */
function httpError(err: StreamableHTTPError, ctx: { host: string }): Classified {
  const code = err.code ?? 502;
  const body = err.message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, "");
  const reason = vendorMessage(body, code);
  if (code === 401) return ["missing_credential", 401, `the MCP server at ${ctx.host} refused the connection token (HTTP 401: ${reason}); reconnect the account with a valid token`, false];
  if (code === 403) return ["missing_credential", 403, `the MCP server at ${ctx.host} refused access with this connection token (HTTP 403: ${reason}); check what the token may use, then reconnect`, false];
  if (code >= 300 && code < 400) return ["host_refused", 502, `the MCP server at ${ctx.host} redirected elsewhere, which is not followed (${reason}); check the server URL`, false];
  if (code === 404) return ["vendor", 404, `the MCP server at ${ctx.host} has no MCP endpoint at this URL (HTTP 404: ${reason}); check the server URL`, false];
  if (code === -1) return ["vendor", 502, `the MCP server at ${ctx.host} answered with an unexpected content type: ${reason}`, false];
  const retryable = code === 429 || code >= 500;
  return ["vendor", code, `the MCP server at ${ctx.host} answered HTTP ${code}: ${reason}`, retryable];
}

/** JSON-RPC errors (the SDK's McpError: "MCP error <code>: <message>"). */
function protocolError(err: McpError, ctx: { host: string; timeoutMs: number }): Classified {
  const text = err.message.replace(/^MCP error -?\d+: /, "");
  const reason = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  switch (err.code) {
    case ErrorCode.RequestTimeout:
      return timedOut(ctx);
    case ErrorCode.ConnectionClosed:
      return ["network", 502, `the connection to the MCP server at ${ctx.host} closed before it answered`, true];
    case ErrorCode.InvalidParams:
      return ["invalid_input", 400, `the MCP server refused the request: ${reason}. Fix the arguments and call the tool again.`, false];
    case ErrorCode.MethodNotFound:
      return ["vendor", 501, `the MCP server at ${ctx.host} does not offer tools (${reason})`, false];
    default:
      return ["vendor", 502, `the MCP server at ${ctx.host} answered with an error: ${reason}`, false];
  }
}
