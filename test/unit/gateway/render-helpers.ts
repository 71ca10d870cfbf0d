// A streamed answer as a client would get it, without HTTP: relayed bytes when the shapes
// match, else complete()'s IR events through the caller's SSE renderer.
import { renderSse } from "../../../runtime/gateway/render-sse";
import { readEvents, relayBytes } from "../../../runtime/gateway/stream-answer";
import type { StreamLimits } from "../../../runtime/gateway/stream-limits";
import type { StreamEnd } from "../../../runtime/gateway/stream-pump";
import type { ResponseOptions, WireFormat } from "../../../runtime/translate";

export async function render(
  upstream: ReadableStream<Uint8Array>,
  from: WireFormat,
  to: WireFormat,
  opts: ResponseOptions,
  abort: () => void,
  limits: StreamLimits,
  signal?: AbortSignal,
): Promise<{ body: ReadableStream<Uint8Array>; pump: Promise<StreamEnd> }> {
  if (from === to) {
    const relayed = await relayBytes(upstream, from, opts, false, abort, limits, signal);
    if (relayed.kind === "retry") throw new Error("unexpected retry");
    return relayed;
  }
  const read = await readEvents(upstream, from, opts, false, abort, limits, signal);
  if (read.kind === "retry") throw new Error("unexpected retry");
  return { body: renderSse(to, read.events, opts), pump: read.pump };
}
