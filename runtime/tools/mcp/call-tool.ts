// tools/call through a fresh session: the result as trimmed text, a tool-level failure
// (`isError`) as a `vendor` error the model can read, every other failure as the executor's
// structured error, the connection token redacted from all of it.
import { Redactor } from "../redact";
import { truncate } from "../trim";
import type { ToolError, ToolOutcome } from "../types";
import { renderContent } from "./content";
import { classifyMcpError } from "./errors";
import { hostOf } from "./list-tools";
import { DEFAULT_MCP_TIMEOUT_MS, withMcpSession, type McpSessionOptions } from "./session";

/** Characters of a result a model gets by default; more is cut with the usual marker. */
export const DEFAULT_MCP_MAX_CHARS = 50_000;
/** Characters of a tool's own error text kept in the message. */
const MAX_ERROR_CHARS = 1_000;

export interface CallOptions extends McpSessionOptions {
  /** Cut the text to this many characters (50,000); null: no cut beyond the byte cap. */
  maxChars?: number | null;
}

/**
 * Runs the server's tool `name` (its own name, without the `<connector>/` prefix) with `args`
 * (an object, or undefined for none). The server validates the arguments against its schema.
 */
export async function callMcpTool(env: Env, serverUrl: string, token: string, name: string, args: unknown, opts: CallOptions = {}): Promise<ToolOutcome> {
  const redact = new Redactor({ token });
  if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
    return refused("invalid_input", 400, "Invalid arguments: an MCP tool takes an object of named arguments. Fix the arguments and call the tool again.");
  }
  if (name === "" || name.length > 128) return refused("unknown_tool", 404, "there is no MCP tool with an empty or over-long name; use a name from the connection's tool list");
  try {
    return await withMcpSession(env, serverUrl, token, opts, async ({ client, signal, timeoutMs }) => {
      const result = await client.callTool({ name, arguments: (args ?? {}) as Record<string, unknown> }, undefined, { signal, timeout: timeoutMs });
      // Servers on protocol 2024-10-07 answer { toolResult } instead of content parts.
      const text = "toolResult" in result ? JSON.stringify(result.toolResult) : renderContent(result as Parameters<typeof renderContent>[0]);
      const safe = redact.apply(text);
      if (result.isError === true) {
        const reason = safe.trim() === "" ? "the tool reported an error without a message" : safe.length > MAX_ERROR_CHARS ? `${safe.slice(0, MAX_ERROR_CHARS)}…` : safe;
        return refused("vendor", 502, `the MCP tool ${name} failed: ${reason}`);
      }
      const cut = truncate(safe, opts.maxChars === undefined ? DEFAULT_MCP_MAX_CHARS : opts.maxChars);
      return { ok: true, status: 200, content: cut.text, truncated: cut.truncated };
    });
  } catch (err) {
    return classifyMcpError(err, redact, { host: hostOf(serverUrl), timeoutMs: opts.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS });
  }
}

function refused(kind: ToolError["kind"], status: number, message: string): ToolError {
  return { ok: false, kind, status, message, retryable: false };
}
