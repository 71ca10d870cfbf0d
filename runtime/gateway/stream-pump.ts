// The stream pump: reads an upstream stream through a decoder (usage, stop, errors), holds the
// output back until the first content (fallback stays possible), then relays the rest — by a
// JS read/write loop here, or, where Gatehouse changes no byte, handed to native-pipe.ts.
import type { StreamObservations } from "../translate";
import { byteReader } from "./byte-reader";
import type { Sink } from "./event-channel";
import { watchStream } from "./stream-deadline";
import { AFTER_HANGUP_MS, DEFAULT_STREAM_LIMITS, type StreamLimits } from "./stream-limits";

/** How a stream ended, for settlement. */
export interface StreamEnd {
  obs: StreamObservations;
  /** Upstream SSE data events after the first content: a stand-in for output tokens when usage never arrived. */
  contentEvents: number;
  clientGone: boolean;
  /** Why Gatehouse cut the stream itself (a deadline, an oversized event); the client got an error event. */
  cut?: string;
  /** The upstream's stream itself carried an error (an error event, or junk), before it ended. */
  errorInStream: boolean;
}

/** Why a decoder ended a stream itself: Gatehouse's cut (an oversized event), or the upstream's error or junk. */
export type DecoderStop = { kind: "cut"; message: string } | { kind: "upstream_error" };

/**
 * What the pump relays: the upstream's bytes as they came (relay-decoder.ts, same-shape
 * pass-through) or as IR events (event-decoder.ts, for complete()). `T` is what the client's
 * side receives; the decoder observes usage, stop and errors either way.
 */
export interface StreamDecoder<T> {
  readonly obs: StreamObservations;
  /** Set once the decoder ended the stream itself; the output it returned then ends with the error. */
  readonly stop: DecoderStop | undefined;
  push(chunk: Uint8Array): T | null;
  /** The upstream ended: what is left, ending in an error when the stream was unfinished. */
  end(): T | null;
  /** Gatehouse's own error (a deadline, a cap) in the output's terms. */
  error(message: string): T;
  /** About how many bytes `out` holds: what is held back before the first content is capped by it. */
  size(out: T): number;
  /** Outputs in order as one (two or more): what piled up while a write to the client was in flight. */
  join(outs: readonly T[]): T;
}

export type StreamStart = { kind: "retry"; reason: string; status: number } | { kind: "started"; pump: Promise<StreamEnd> };

/**
 * The pump after the first content, for a relay that takes phase 2 over (native-pipe.ts): the
 * decoder's feed of the same upstream reader, and the calls that stop the upstream and describe
 * the end. (What phase 1 held back is not handed over: such a relay has the bytes elsewhere.)
 */
export interface PumpRun<T> {
  /** True once the decoder or Gatehouse ended the stream (feed(null) was called, or a stop). */
  readonly ended: boolean;
  /** Why Gatehouse cut the stream itself (deadline, cap), if it did. */
  readonly cut: string | undefined;
  readonly decoder: StreamDecoder<T>;
  /** The next chunk of the upstream, or null at its end or when it failed. */
  read(): Promise<Uint8Array | null>;
  /** Feeds one chunk (or the end) through the decoder, counting content events and watching deadlines. */
  feed(chunk: Uint8Array | null): T | null;
  /** Stops the upstream: aborts its fetch and cancels the current reader. */
  stopUpstream(): void;
  /** Stops the deadline timers and says how the stream ended. */
  finish(clientGone: boolean): StreamEnd;
}

/** Takes phase 2 over from the JS loop; called only while the client is there and the stream runs. */
export type TakeOver<T> = (run: PumpRun<T>) => Promise<StreamEnd>;

/**
 * Pumps an upstream stream through a decoder into a sink. Output is held back only until the
 * first content (or the end): an overloaded/rate-limit error before then is returned as `retry`
 * so the caller can fall back; after it, failures become an error, never a splice. Deadlines
 * and caps (`limits`) end a stream with an error too, never a clean end; `clientSignal` (the
 * request's) stops the upstream as soon as the client is gone. A sink that refuses a write is a
 * client gone too.
 */
export async function startStream<T>(
  upstream: ReadableStream<Uint8Array>,
  decoder: StreamDecoder<T>,
  sink: Sink<T>,
  canRetry: boolean,
  abortUpstream: () => void,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  clientSignal?: AbortSignal,
  takeOver?: TakeOver<T>,
): Promise<StreamStart> {
  const obs = decoder.obs;
  const reader = byteReader(upstream);
  let contentEvents = 0;
  let ended = false;
  let cut: string | undefined;
  let errorInStream = false;
  /** Gatehouse gives up on the upstream: the pending read ends, and feed(null) writes the error. */
  const giveUp = (reason: string) => {
    cut ??= reason;
    abortUpstream();
    reader.cancel().catch(() => {});
  };
  const deadline = watchStream(limits, giveUp);

  /** Feeds one upstream chunk (or the end) and returns what to send to the client. */
  const feed = (chunk: Uint8Array | null): T | null => {
    if (chunk === null) {
      ended = true;
      deadline.stop();
      // Cut by Gatehouse before the answer was complete: whole events only, then our error.
      if (cut !== undefined && !obs.done) return decoder.error(cut);
      errorInStream = obs.upstreamError !== undefined;
      return decoder.end();
    }
    deadline.sawBytes();
    const out = decoder.push(chunk);
    const stop = decoder.stop;
    if (stop !== undefined && !ended) {
      // The decoder ended the stream (its output carries the error): the upstream is not read on.
      ended = true;
      deadline.stop();
      if (stop.kind === "cut") cut ??= stop.message;
      else errorInStream = true;
      abortUpstream();
      reader.cancel().catch(() => {});
    }
    // Counted after the chunk is read, so the chunk carrying the first content counts too.
    if (obs.sawContent) contentEvents += countData(chunk);
    return out;
  };

  const read = async (): Promise<Uint8Array | null> => {
    try {
      const res = await reader.next();
      return res.done ? null : reader.take(res.value);
    } catch {
      return null; // a cut connection ends the stream; end() turns it into an error
    }
  };

  // Phase 1: until content starts, keep output back so a retryable failure can fall back.
  // What is held meanwhile is capped like one event: an upstream that sends only preamble cannot grow it.
  const held: T[] = [];
  let heldBytes = 0;
  while (!obs.sawContent && !ended) {
    const out = feed(await read());
    if (obs.upstreamError?.retryable && canRetry) {
      deadline.stop();
      abortUpstream();
      await reader.cancel().catch(() => {});
      return { kind: "retry", reason: `${obs.upstreamError.type}: ${obs.upstreamError.message}`, status: 529 };
    }
    if (out !== null) {
      held.push(out);
      heldBytes += decoder.size(out);
    }
    if (heldBytes > limits.maxEventBytes && !ended) giveUp(`upstream sent more than ${limits.maxEventBytes} bytes before any content (STREAM_MAX_EVENT_BYTES)`);
  }

  if (takeOver && !ended && clientSignal?.aborted !== true) {
    const run: PumpRun<T> = {
      decoder,
      get ended() {
        return ended;
      },
      get cut() {
        return cut;
      },
      read,
      feed,
      stopUpstream: () => {
        abortUpstream();
        reader.cancel().catch(() => {});
      },
      finish: (clientGone) => {
        deadline.stop();
        return { obs, contentEvents, clientGone, errorInStream, ...(cut !== undefined ? { cut } : {}) };
      },
    };
    return { kind: "started", pump: takeOver(run) };
  }

  // Phase 2: commit. The client gets what was held, then the rest as it arrives.
  const pump = (async (): Promise<StreamEnd> => {
    let clientGone = false;
    const gone = () => {
      clientGone = true;
    };
    // The request's signal tells of a hang-up while the upstream is quiet, when no write
    // would fail yet: stop the upstream at once instead of at its next byte.
    const hungUp = () => {
      gone();
      abortUpstream();
      reader.cancel().catch(() => {});
      sink.abort().catch(() => {}); // a write waiting on the gone client fails instead of hanging
    };
    // A client that left before any content reached it (during phase 1): the upstream has
    // done the costly part already, so read on for its usage, within the limits, writing
    // nothing, instead of billing the accepted work as nothing.
    const draining = clientSignal?.aborted === true;
    if (!draining) clientSignal?.addEventListener("abort", hungUp, { once: true });
    const drainTimer = draining ? setTimeout(() => giveUp(`the client left and the answer did not end within ${AFTER_HANGUP_MS} ms`), AFTER_HANGUP_MS) : undefined;
    // One write in flight at a time, and reading goes on meanwhile: what arrives during a write
    // waits and goes out joined in the next one. A client that keeps up gets every chunk as it
    // comes (no write is waiting); under load one write carries several chunks, which is most of
    // a relay's cost per chunk. Up to MAX_PENDING_BYTES wait; beyond, reading waits for the client.
    let pending: T[] = [];
    let pendingBytes = 0;
    let writing: Promise<void> | undefined;
    const send = (out: T) => {
      if (writing) {
        pending.push(out);
        pendingBytes += decoder.size(out);
        return;
      }
      writing = (async () => {
        for (let next: T | undefined = out; next !== undefined && !clientGone; ) {
          await sink.write(next).then(undefined, gone);
          next = pending.length === 0 ? undefined : pending.length === 1 ? pending[0] : decoder.join(pending);
          pending = [];
          pendingBytes = 0;
        }
        writing = undefined;
      })();
    };
    for (const h of draining ? [] : held) send(h);
    while (!ended && !clientGone) {
      if (writing && pendingBytes > MAX_PENDING_BYTES) await writing;
      // read(), inlined: this loop runs once per upstream chunk, and an async call per chunk
      // is one more promise and microtask each time.
      let chunk: Uint8Array | null;
      try {
        const res = await reader.next();
        chunk = res.done ? null : reader.take(res.value);
      } catch {
        chunk = null; // a cut connection ends the stream; feed(null) turns it into an error
      }
      const out = feed(chunk);
      if (out !== null && !draining && !clientGone) send(out);
    }
    if (writing) await writing;
    deadline.stop();
    clearTimeout(drainTimer);
    clientSignal?.removeEventListener("abort", hungUp);
    if (clientGone) {
      abortUpstream();
      await reader.cancel().catch(() => {});
    }
    await sink.close().catch(() => {}); // also for a gone client: a reader still waiting (complete()'s events) sees the end
    return { obs, contentEvents, clientGone: clientGone || draining, errorInStream, ...(cut !== undefined ? { cut } : {}) };
  })();
  return { kind: "started", pump };
}

/** Output that may wait for a slow client's write while the upstream is read on (then reading waits too): dozens of events, and a bound on what a slow client costs in memory per stream (the isolate has 128 MB for all of them). */
const MAX_PENDING_BYTES = 16 * 1024;

/** How many `data:` fields start in these bytes (a line start is not checked: an estimate). */
function countData(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(100); i >= 0 && i + 4 < bytes.length; i = bytes.indexOf(100, i + 1)) {
    if (bytes[i + 1] === 97 && bytes[i + 2] === 116 && bytes[i + 3] === 97 && bytes[i + 4] === 58) n++; // "data:"
  }
  return n;
}
