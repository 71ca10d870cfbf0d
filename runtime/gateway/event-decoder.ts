// complete()'s stream path: upstream bytes → the translator's IR events, in the batches the
// upstream delivered them (one per read). Renderers (render-sse.ts, render-json.ts) turn them
// into the caller's shape; nothing here knows the caller's shape.
import type { WireFormat } from "../../generated/providers/catalog";
import { createEventReader, type IrStreamEvent, type ResponseOptions } from "../translate";
import type { StreamLimits } from "./stream-limits";
import type { DecoderStop, StreamDecoder } from "./stream-pump";

export type EventBatch = readonly IrStreamEvent[];

export function createEventDecoder(from: WireFormat, opts: ResponseOptions, limits: StreamLimits): StreamDecoder<EventBatch> {
  const reader = createEventReader(from, opts, limits.maxEventBytes);
  let stop: DecoderStop | undefined;
  return {
    obs: reader,
    get stop() {
      return stop;
    },
    push(chunk) {
      const before = reader.upstreamError;
      const events = reader.push(chunk);
      const now = reader.upstreamError;
      // The stream ended in an error (the upstream's, or an oversized event, which is Gatehouse's cut).
      if (!before && now) stop = reader.overflowed ? { kind: "cut", message: now.message } : { kind: "upstream_error" };
      return events.length > 0 ? events : null;
    },
    end() {
      const events = reader.end();
      return events.length > 0 ? events : null;
    },
    error(message) {
      return [{ type: "error", error: { type: "api_error", message } }];
    },
    size: batchSize,
    join: (batches) => batches.flat(),
  };
}

/** About the bytes a batch renders to: its text, plus a little framing per event. */
function batchSize(batch: EventBatch): number {
  let n = 0;
  for (const e of batch) {
    n += 32;
    if (e.type === "text_delta") n += e.text.length;
    else if (e.type === "thinking_delta") n += e.thinking.length;
    else if (e.type === "tool_input_delta") n += e.partialJson.length;
    else if (e.type === "signature_delta") n += e.signature.length;
  }
  return n;
}
