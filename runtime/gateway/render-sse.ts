// complete()'s IR events as an SSE stream in the caller's format (Anthropic events, OpenAI
// chunks): one renderer per surface, over the same events. Rendered as the client reads (pull),
// one upstream batch per chunk written, so a slow client slows the upstream read, and a client
// that goes away stops it (cancel → the events' reader is gone → the pump stops and bills).
import { createStreamRenderer, type ResponseOptions, type StreamRenderer, type WireFormat } from "../translate";
import type { EventBatch } from "./event-decoder";

const enc = new TextEncoder();

export function renderSse(surface: WireFormat, events: AsyncIterable<EventBatch>, opts: ResponseOptions): ReadableStream<Uint8Array> {
  return sseStream(createStreamRenderer(surface, opts), events);
}

/** The same with the caller's renderer; `beforeSend` runs before a batch's text goes out (the Responses surface stores a finished turn there). */
export function sseStream(renderer: StreamRenderer, events: AsyncIterable<EventBatch>, beforeSend?: (batch: EventBatch) => Promise<void>): ReadableStream<Uint8Array> {
  const it = events[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const next = await it.next();
          if (next.done) {
            controller.close();
            return;
          }
          let text = "";
          for (const e of next.value) text += renderer.render(e);
          if (beforeSend) await beforeSend(next.value); // no extra await per batch on the other surfaces
          if (text !== "") {
            controller.enqueue(enc.encode(text));
            return;
          }
        }
      },
      async cancel() {
        await it.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
