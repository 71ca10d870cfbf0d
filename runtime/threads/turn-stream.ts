// A streamed turn as server-sent events: `qlaud.iteration_start`, the round's Anthropic events
// exactly as /v1/messages renders them, then — after the turn is stored — `qlaud.done`, or
// `qlaud.error` when it failed after the stream began. The turn runs in waitUntil, not in the
// client's pull: a client that hangs up stops receiving, while the turn reads on and is stored.
import { formatQlaudStreamEvent, type QlaudStreamEvent, type QlaudStreamEventData } from "../../generated/api/stream-events";
import { errorBody } from "../errors";
import type { RequestContext } from "../http/context";
import { createStreamRenderer } from "../translate";
import { ClientSink } from "./turn-client-sink";
import { finishTurn, type StartedTurn } from "./turn";

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

export function streamTurn(turn: StartedTurn, model: string, ctx: RequestContext, headers: Record<string, string>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const client = new ClientSink(writable, ctx.req.signal);
  const renderer = createStreamRenderer("anthropic", { model });
  const send = (e: QlaudStreamEvent) => client.send(formatQlaudStreamEvent(e));
  const run = async () => {
    await send({ event: "qlaud.iteration_start", data: { iteration: 1 } });
    const outcome = await finishTurn(turn, ctx, async (batch) => {
      let text = "";
      for (const e of batch) text += renderer.render(e);
      if (text !== "") await client.send(text);
    });
    if (outcome.kind === "stored") {
      await send({ event: "qlaud.done", data: { iterations: 1, hit_max_iterations: false, cost_micros: outcome.costMicros, seq: outcome.seq } });
    } else {
      // The same type and message an error body of this route would carry.
      const { error } = errorBody(outcome.error, "gatehouse") as { error: QlaudStreamEventData<"qlaud.error"> };
      await send({ event: "qlaud.error", data: { type: error.type, message: error.message } });
    }
    await client.close();
  };
  ctx.exec.waitUntil(run().catch((e: unknown) => console.error(`gatehouse ${ctx.requestId}: streaming thread turn failed: ${(e as Error).message}`)));
  return new Response(readable, { status: 200, headers: { ...headers, ...SSE_HEADERS, "server-timing": `upstream;dur=${turn.upstreamMs.toFixed(2)}` } });
}

