// One round's tool calls, run: every call the app does not run itself goes concurrently (at
// most `concurrency` at once), each under its own timeout and the turn's abort signal, and
// comes back as a tool_result in the order the model made the calls. A tool's failure, a
// timeout, an unknown name or even a bug in a tool's code is an `is_error: true` result whose
// text says what happened, so the model can act on it and the turn goes on; this never throws
// for one tool. Client tools are set aside: the turn stops and the app answers them.
import { mapBounded } from "./bounded";
import { isMetaTool, runMetaTool } from "./meta-tools";
import { runForModel, type RunContext } from "./run-for-model";
import type { DispatchContext, DispatchResult, ToolClass, ToolResultBlock, ToolSet, ToolUseCall } from "./types";

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 30_000;

export async function dispatchToolCalls(env: Env, calls: readonly ToolUseCall[], set: ToolSet, ctx: DispatchContext): Promise<DispatchResult> {
  const clientCalls: ToolUseCall[] = [];
  const runs: { call: ToolUseCall; cls: ToolClass | null }[] = [];
  for (const call of calls) {
    const cls = set.classify(call.name);
    if (cls?.kind === "client") clientCalls.push(call);
    else runs.push({ call, cls });
  }

  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const results = await mapBounded(runs, ctx.concurrency ?? DEFAULT_CONCURRENCY, async ({ call, cls }) => {
    notify(() => ctx.onStart?.(call));
    const block = await runOne(env, call, cls, set, ctx, timeoutMs);
    notify(() => ctx.onDone?.(call, block.is_error !== true));
    return block;
  });
  return { results, clientCalls };
}

/** One call to its tool_result; never throws. */
async function runOne(env: Env, call: ToolUseCall, cls: ToolClass | null, set: ToolSet, ctx: DispatchContext, timeoutMs: number): Promise<ToolResultBlock> {
  if (cls === null) return errorBlock(call, unknownToolText(call.name, set));
  if (ctx.signal?.aborted) return errorBlock(call, `${call.name} did not run: the turn was stopped before it started`);

  const abort = new AbortController();
  const stop = () => abort.abort();
  ctx.signal?.addEventListener("abort", stop, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve("timeout");
    }, timeoutMs);
  });
  const runCtx: RunContext = { tenantId: ctx.tenantId, endUserId: ctx.endUserId, origin: ctx.origin, now: ctx.now, requestId: ctx.requestId, signal: abort.signal };
  try {
    const outcome = await Promise.race([execute(env, call, cls, runCtx), timedOut]);
    if (outcome === "timeout") return errorBlock(call, `${call.name} timed out after ${timeoutMs / 1000} s and was stopped; try again, or with a smaller request`);
    return outcome.ok ? { type: "tool_result", tool_use_id: call.id, content: outcome.content } : errorBlock(call, outcome.content);
  } catch (err) {
    // A bug or an outage inside the tool layer: the model learns the tool failed, not why in detail.
    const reason = err instanceof Error ? err.message.slice(0, 300) : "unknown error";
    console.error(JSON.stringify({ event: "agent_tool_crashed", request_id: ctx.requestId, tool: call.name, error: reason }));
    return errorBlock(call, `${call.name} failed inside Gatehouse (${reason}); try again later or use another tool`);
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener("abort", stop);
  }
}

async function execute(env: Env, call: ToolUseCall, cls: ToolClass, ctx: RunContext): Promise<{ ok: boolean; content: string }> {
  if (cls.kind === "meta") {
    if (!isMetaTool(cls.tool)) throw new Error(`${cls.tool} is classified as a meta-tool but is none`);
    return runMetaTool(env, cls.tool, call.input, ctx);
  }
  const result = await runForModel(env, cls.tool, call.input, ctx);
  if (result.ok) return { ok: true, content: result.content };
  return { ok: false, content: JSON.stringify(result) };
}

/** A caller's hook (it writes stream events) failing must not lose the round's results. */
function notify(hook: () => void): void {
  try {
    hook();
  } catch (err) {
    console.error(JSON.stringify({ event: "agent_dispatch_hook_failed", error: err instanceof Error ? err.message.slice(0, 300) : "unknown error" }));
  }
}

function errorBlock(call: ToolUseCall, text: string): ToolResultBlock {
  return { type: "tool_result", tool_use_id: call.id, content: text, is_error: true };
}

function unknownToolText(name: string, set: ToolSet): string {
  const offered = set.definitions.map((d) => d.name);
  const list = offered.length > 20 ? `${offered.slice(0, 20).join(", ")}, …` : offered.join(", ");
  return `there is no tool ${JSON.stringify(name.slice(0, 100))} in this conversation; the tools you can call are: ${list || "none"}`;
}
