// One short MCP session per use: connect (initialize) through the guarded fetch, do the work,
// then end the session (DELETE, best effort, within the same deadline) and close the client
// and transport, so nothing stays open in the Worker after the call. Sessions are not pooled:
// a Worker isolate may serve any tenant, and a stateless call is simpler to reason about.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { configOf } from "../../config";
import { mcpFailure } from "./errors";
import { AnswerTooLarge, guardedFetch } from "./guarded-fetch";

export const DEFAULT_MCP_TIMEOUT_MS = 30_000;
export const DEFAULT_MCP_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** How long ending a session (DELETE) may take after the work, even past the deadline. */
const CLOSE_TIMEOUT_MS = 1_000;
const CLIENT_INFO = { name: "gatehouse", version: "0.1.0" };

export interface McpSessionOptions {
  /** One deadline for the whole use: initialize, the work, and ending the session (30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes read from any one answer (4 MiB). */
  maxBodyBytes?: number;
  fetch?: typeof fetch;
  /** One line per HTTP request, without headers or bodies. */
  log?: (line: string) => void;
}

export interface McpSession {
  client: Client;
  /** The deadline, the caller's signal and the byte cap in one: pass it to every request. */
  signal: AbortSignal;
  timeoutMs: number;
  /** host[:port] of the server, for messages. */
  host: string;
}

/**
 * The SDK compiles a validator for every tool's `outputSchema` on tools/list, with Ajv by
 * default, which generates code with `new Function` (refused by workerd). Gatehouse passes a
 * tool's output to the model as text and never checks it against that schema, so no
 * validator is compiled at all.
 */
const noOutputValidation: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input: unknown) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};

/** The endpoint as a URL, refused unless https (http only outside production, for local servers). */
export function checkServerUrl(env: Env, serverUrl: string): URL {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw mcpFailure("host_refused", 502, "the MCP server URL is not an absolute URL; check the connector's auth.mcp.url or CONNECTOR_<ID>_URL");
  }
  const allowed = url.protocol === "https:" || (url.protocol === "http:" && !configOf(env).production);
  if (!allowed) throw mcpFailure("host_refused", 502, `refused to call the MCP server over ${url.protocol.replace(":", "")}: only https is allowed${configOf(env).production ? " in production" : ""}`);
  if (url.username || url.password) throw mcpFailure("host_refused", 502, "the MCP server URL must not carry a user name or password; the token is sent as a Bearer header");
  return url;
}

export async function withMcpSession<T>(env: Env, serverUrl: string, token: string, opts: McpSessionOptions, work: (s: McpSession) => Promise<T>): Promise<T> {
  const url = checkServerUrl(env, serverUrl);
  if (token.trim() === "") throw mcpFailure("missing_credential", 401, "this MCP connection has no connection token; reconnect the account");
  const timeoutMs = opts.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS;
  const failed = new AbortController();
  const signals = [AbortSignal.timeout(timeoutMs), failed.signal, ...(opts.signal ? [opts.signal] : [])];
  const signal = AbortSignal.any(signals);
  let requestSignal = signal;
  const fetchFn = guardedFetch({
    serverUrl: url,
    token,
    signal: () => requestSignal,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MCP_MAX_BODY_BYTES,
    fetchFn: opts.fetch ?? ((input, init) => fetch(input, init)),
    onTooLarge: (err: AnswerTooLarge) => failed.abort(err),
    ...(opts.log ? { log: opts.log } : {}),
  });
  // No reconnection: the standalone stream is never opened (the guarded fetch answers its GET with 405).
  const transport = new StreamableHTTPClientTransport(url, {
    fetch: fetchFn,
    reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 0, maxReconnectionDelay: 0, reconnectionDelayGrowFactor: 1 },
  });
  const client = new Client(CLIENT_INFO, { capabilities: {}, jsonSchemaValidator: noOutputValidation });
  try {
    await client.connect(transport, { signal, timeout: timeoutMs });
    return await work({ client, signal, timeoutMs, host: url.host });
  } catch (err) {
    throw signal.aborted ? whyAborted(failed.signal, opts.signal) : err;
  } finally {
    // Ending the session gets its own short bound, so a call that timed out still frees it on the server.
    if (transport.sessionId !== undefined && !opts.signal?.aborted) {
      requestSignal = AbortSignal.timeout(CLOSE_TIMEOUT_MS);
      await transport.terminateSession().catch(() => undefined);
    }
    await client.close().catch(() => undefined);
  }
}

/**
 * The SDK turns any aborted request into "MCP error -32001: <reason>"; the signals say what
 * really happened: the byte cap, the caller cancelling, or the deadline.
 */
function whyAborted(failed: AbortSignal, caller: AbortSignal | undefined): Error {
  if (failed.aborted && failed.reason instanceof AnswerTooLarge) return failed.reason;
  if (caller?.aborted) return new DOMException("the call was cancelled", "AbortError");
  return new DOMException("the MCP server did not answer in time", "TimeoutError");
}
