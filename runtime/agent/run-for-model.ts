// One catalog or webhook tool run for the agent, as the model sees it: executeForEndUser (the one
// way a tool runs for an end user), its outcome turned into a small JSON-able result. A tool's
// own failure, a missing account (with the connect URL the model relays) and a refusal the REST
// route would answer with a 4xx are all results here, never exceptions: the model reads them
// and acts. Used by dispatch.ts (tools listed directly) and qlaud_multi_execute.
import { ApiError } from "../errors";
import { connectorAuthOf } from "../tools-api/catalog";
import { executeForEndUser } from "../tools-api/execute-for-end-user";
import type { RunContext } from "./types";

/** Most characters of one tool's answer handed to the model (≈ 8k tokens); the rest is cut. */
export const MAX_RESULT_CHARS = 32_000;

export type { RunContext } from "./types";

export type ModelToolResult =
  | { tool: string; ok: true; content: string; truncated?: true }
  | { tool: string; ok: false; error: { kind: string; message: string; status?: number; retryable?: boolean } }
  | { tool: string; ok: false; status: "not_connected"; connect_url: string; expires_at: number; message: string };

/** Runs `tool` (`<connector>/<tool>` or a webhook tool's name) with `args` for the context's end user. */
export async function runForModel(env: Env, tool: string, args: unknown, ctx: RunContext): Promise<ModelToolResult> {
  const connector = tool.includes("/") ? tool.slice(0, tool.indexOf("/")) : null;
  const mode = connector === null ? null : (connectorAuthOf(connector)?.mode ?? null);
  if (connector !== null && ctx.endUserId === undefined && mode !== null && mode !== "none") {
    return failed(tool, "no_end_user", `${tool} runs with an end user's ${connector} account, and this thread belongs to no end user; it cannot run here`);
  }
  try {
    const out = await executeForEndUser(
      env,
      { tenantId: ctx.tenantId, endUserId: ctx.endUserId, tool, args: args ?? {} },
      { origin: ctx.origin, now: ctx.now, requestId: ctx.requestId, signal: ctx.signal },
    );
    if (out.ok) {
      const cut = out.content.length > MAX_RESULT_CHARS;
      const content = cut ? `${out.content.slice(0, MAX_RESULT_CHARS)}\n…[truncated at ${MAX_RESULT_CHARS} characters]` : out.content;
      return cut || out.truncated ? { tool, ok: true, content, truncated: true } : { tool, ok: true, content };
    }
    if (out.kind === "not_connected") {
      return { tool, ok: false, status: "not_connected", connect_url: out.connect_url, expires_at: out.expires_at, message: relayMessage(out.connector) };
    }
    return { tool, ok: false, error: { kind: out.kind, message: out.message, status: out.status, retryable: out.retryable } };
  } catch (err) {
    if (err instanceof ApiError) return failed(tool, err.kind, err.message);
    throw err;
  }
}

/** What the model is told when the end user has no account yet. */
export function relayMessage(connector: string): string {
  return `The user has not connected ${connector} yet. Give them connect_url (valid until expires_at) to connect their account, then call the tool again.`;
}

function failed(tool: string, kind: string, message: string): ModelToolResult {
  return { tool, ok: false, error: { kind, message } };
}
