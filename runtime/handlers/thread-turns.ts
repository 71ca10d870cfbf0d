// POST /v1/threads/:id/messages: parse → threads/turn.ts (the agent loop) → shape (the JSON
// summary, or SSE via turn-stream.ts).
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { finishTurn, startTurn } from "../threads/turn";
import { streamTurn } from "../threads/turn-stream";

export const threadTurnHandlers: Pick<AppHandlers, "createThreadMessage"> = {
  async createThreadMessage({ params, body }, ctx) {
    const turn = await startTurn(params.id, body, callerKey(ctx), ctx);
    const headers = { "x-qlaud-thread-id": turn.threadId, "x-qlaud-assistant-seq": String(turn.assistantSeq) };
    if (turn.stream) return streamTurn(turn, body.model, ctx, headers);
    // Kept alive on its own: a client that hangs up stops the loop after its round, which is stored.
    const finishing = finishTurn(turn, ctx);
    ctx.exec.waitUntil(finishing);
    const outcome = await finishing;
    if (outcome.kind === "failed") throw outcome.error;
    return {
      status: 200,
      headers: { ...headers, "server-timing": `upstream;dur=${turn.upstreamMs.toFixed(2)}, persist;dur=${outcome.persistMs.toFixed(2)}` },
      body: {
        thread_id: turn.threadId,
        seq: outcome.seq,
        content: outcome.content,
        stop_reason: outcome.stopReason,
        usage: {
          input_tokens: outcome.usage.input_tokens,
          output_tokens: outcome.usage.output_tokens,
          cache_read_input_tokens: outcome.usage.cache_read_input_tokens,
          cache_creation_input_tokens: outcome.usage.cache_creation_input_tokens,
        },
        iterations: outcome.iterations,
        cost_micros: outcome.costMicros,
      },
    };
  },
};
