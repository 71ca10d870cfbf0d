// The two ways a streamed answer leaves the pump: the upstream's bytes as they came (same-shape
// pass-through, the hot path: a native IdentityTransformStream in workerd), or IR events
// (complete()'s own path, for renderers and loops). Either way the pump bills the stream.
import type { ResponseOptions, WireFormat } from "../translate";
import { createEventChannel } from "./event-channel";
import { createEventDecoder, type EventBatch } from "./event-decoder";
import { createRelayDecoder } from "./relay-decoder";
import type { StreamLimits } from "./stream-limits";
import { startStream, type StreamEnd } from "./stream-pump";

type Retry = { kind: "retry"; reason: string; status: number };

export async function relayBytes(
  upstream: ReadableStream<Uint8Array>,
  shape: WireFormat,
  opts: ResponseOptions,
  canRetry: boolean,
  abortUpstream: () => void,
  limits: StreamLimits,
  clientSignal?: AbortSignal,
): Promise<Retry | { kind: "bytes"; body: ReadableStream<Uint8Array>; pump: Promise<StreamEnd> }> {
  // workerd's native IdentityTransformStream hands bytes to the client without a JS
  // transform step; elsewhere (node tests) a plain TransformStream does the same job.
  const { readable, writable } = typeof IdentityTransformStream === "function" ? new IdentityTransformStream() : new TransformStream<Uint8Array, Uint8Array>();
  const started = await startStream(upstream, createRelayDecoder(shape, opts, limits), writable.getWriter(), canRetry, abortUpstream, limits, clientSignal);
  return started.kind === "retry" ? started : { kind: "bytes", body: readable, pump: started.pump };
}

export async function readEvents(
  upstream: ReadableStream<Uint8Array>,
  from: WireFormat,
  opts: ResponseOptions,
  canRetry: boolean,
  abortUpstream: () => void,
  limits: StreamLimits,
  clientSignal?: AbortSignal,
): Promise<Retry | { kind: "events"; events: AsyncIterable<EventBatch>; pump: Promise<StreamEnd> }> {
  const channel = createEventChannel<EventBatch>();
  const started = await startStream(upstream, createEventDecoder(from, opts, limits), channel, canRetry, abortUpstream, limits, clientSignal);
  return started.kind === "retry" ? started : { kind: "events", events: channel.readable, pump: started.pump };
}
