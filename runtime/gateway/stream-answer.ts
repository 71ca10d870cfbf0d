// The two ways a streamed answer leaves the pump: the upstream's bytes as they came (same-shape
// pass-through, the hot path: a native IdentityTransformStream in workerd, piped natively after
// the first content where no byte changes — native-pipe.ts), or IR events
// (complete()'s own path, for renderers and loops). Either way the pump bills the stream.
import type { ResponseOptions, WireFormat } from "../translate";
import { createEventChannel } from "./event-channel";
import { createEventDecoder, type EventBatch } from "./event-decoder";
import { pipeNatively } from "./native-pipe";
import { createRelayDecoder } from "./relay-decoder";
import type { StreamLimits } from "./stream-limits";
import { startStream, type StreamEnd, type TakeOver } from "./stream-pump";

type Retry = { kind: "retry"; reason: string; status: number };

/**
 * True where the relay changes no byte of the upstream's stream, so its rest may be piped
 * natively (native-pipe.ts): every same-shape stream except an OpenAI one whose client did not
 * ask for usage (its usage-only chunk, which Gatehouse asked for, is dropped in JS).
 */
export function relaysUnchanged(shape: WireFormat, opts: ResponseOptions): boolean {
  return !(shape === "openai" && opts.includeUsage === false);
}

export async function relayBytes(
  upstream: ReadableStream<Uint8Array>,
  shape: WireFormat,
  opts: ResponseOptions,
  canRetry: boolean,
  abortUpstream: () => void,
  limits: StreamLimits,
  clientSignal?: AbortSignal,
  /** Pipe the rest natively where no byte changes (STREAM_NATIVE_PIPE=on; native-pipe.ts says what the client sees then). */
  native = false,
): Promise<Retry | { kind: "bytes"; body: ReadableStream<Uint8Array>; pump: Promise<StreamEnd> }> {
  // workerd's native IdentityTransformStream hands bytes to the client without a JS
  // transform step; elsewhere (node tests) a plain TransformStream does the same job.
  const { readable, writable } = typeof IdentityTransformStream === "function" ? new IdentityTransformStream() : new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  if (!native || !relaysUnchanged(shape, opts)) {
    const started = await startStream(upstream, createRelayDecoder(shape, opts, limits), writer, canRetry, abortUpstream, limits, clientSignal);
    return started.kind === "retry" ? started : { kind: "bytes", body: readable, pump: started.pump };
  }
  // Native: tee'd from the first byte; the pump reads (meters) one branch from the start, the
  // other is piped to the client once content started. Where the pump does not hand over (a
  // retry, a stream that ended before content, a client gone before it), that branch is dropped.
  const [toClient, toMeter] = upstream.tee();
  let handedOver = false;
  // A tee branch's cancel settles only once both branches are cancelled: stopping the upstream
  // before the hand-over cancels the client's branch too, so the pump's own cancel can settle.
  const dropClientBranch = () => {
    if (!handedOver) toClient.cancel().catch(() => {});
  };
  const abortBoth = () => {
    dropClientBranch();
    abortUpstream();
  };
  const pipe = pipeNatively(toClient, writable, writer, clientSignal);
  const takeOver: TakeOver<Uint8Array> = (run) => {
    handedOver = true;
    return pipe(run);
  };
  const started = await startStream<Uint8Array>(toMeter, createRelayDecoder(shape, opts, limits), writer, canRetry, abortBoth, limits, clientSignal, takeOver);
  dropClientBranch(); // not awaited: it settles when the pump's branch ends or is cancelled
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
