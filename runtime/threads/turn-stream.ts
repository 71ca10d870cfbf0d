// A streamed turn as server-sent events: per model round `qlaud.iteration_start`, the round's
// Anthropic events exactly as /v1/messages renders them (a fresh renderer per round: each round
// is a whole message_start … message_stop), `qlaud.tool_dispatch_start` / `_done` for each tool
// Gatehouse runs; then — after the turn is stored — one `qlaud.done`, or `qlaud.error` when it
// failed after the stream began. The turn runs in waitUntil, not in the client's pull: a client
// that hangs up stops receiving, and the loop stops after the round it is in (that round stored).
import { formatQlaudStreamEvent, type QlaudStreamEvent, type QlaudStreamEventData } from "../../generated/api/stream-events";
import { errorBody } from "../errors";
import type { RequestContext } from "../http/context";
import { noteWork } from "../requests/observation";
import { createStreamRenderer, type StreamRenderer } from "../translate";
import { ClientSink } from "./turn-client-sink";
import { finishTurn, type StartedTurn, type TurnObserver } from "./turn";

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

export function streamTurn(turn: StartedTurn, model: string, ctx: RequestContext, headers: Record<string, string>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const client = new ClientSink(writable, ctx.req.signal);
  let renderer: StreamRenderer = createStreamRenderer("anthropic", { model });
  const send = (e: QlaudStreamEvent) => client.send(formatQlaudStreamEvent(e));
  // Tool events come from synchronous callbacks while calls run concurrently: chained, in the order they happened.
  let queued: Promise<void> = Promise.resolve();
  const later = (e: QlaudStreamEvent) => {
    queued = queued.then(() => send(e));
  };
  const observer: TurnObserver = {
    iterationStart: async (iteration) => {
      renderer = createStreamRenderer("anthropic", { model });
      await send({ event: "qlaud.iteration_start", data: { iteration } });
    },
    batch: async (batch) => {
      let text = "";
      for (const e of batch) text += renderer.render(e);
      if (text !== "") await client.send(text);
    },
    toolStart: (call) => later({ event: "qlaud.tool_dispatch_start", data: { tool_use_id: call.id, name: call.name } }),
    toolDone: (call, ok) => later({ event: "qlaud.tool_dispatch_done", data: { tool_use_id: call.id, name: call.name, ok } }),
    flush: () => queued,
    clientGone: () => client.clientGone,
  };
  const run = async () => {
    await send({ event: "qlaud.iteration_start", data: { iteration: 1 } });
    const outcome = await finishTurn(turn, ctx, observer);
    await queued;
    if (outcome.kind === "stored") {
      await send({
        event: "qlaud.done",
        data: { iterations: outcome.iterations, hit_max_iterations: outcome.hitMaxIterations, cost_micros: outcome.costMicros, seq: outcome.lastSeq },
      });
    } else {
      // The same type and message an error body of this route would carry.
      const { error } = errorBody(outcome.error, "gatehouse") as { error: QlaudStreamEventData<"qlaud.error"> };
      await send({ event: "qlaud.error", data: { type: error.type, message: error.message } });
    }
    await client.close();
  };
  const running = run().catch((e: unknown) => console.error(`gatehouse ${ctx.requestId}: streaming thread turn failed: ${(e as Error).message}`));
  ctx.exec.waitUntil(running);
  // The request log adds up the turn's rounds once they are all run (runtime/requests/).
  noteWork(ctx.req, running);
  return new Response(readable, { status: 200, headers: { ...headers, ...SSE_HEADERS, "server-timing": `upstream;dur=${turn.upstreamMs.toFixed(2)}` } });
}
