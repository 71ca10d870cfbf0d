import type { WireFormat } from "../../generated/providers/catalog";
import { createStreamTranslator, createUsageTap, renderErrorBody, type ResponseOptions, type StreamObservations, type UpstreamError } from "../translate";
import { byteReader } from "./byte-reader";
import { createSseFramer } from "./sse-framer";
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

export type StreamStart =
  | { kind: "retry"; reason: string; status: number }
  | { kind: "response"; body: ReadableStream<Uint8Array>; pump: Promise<StreamEnd> };

const enc = new TextEncoder();

/** An SSE error event in the caller's shape (Anthropic `event: error`, OpenAI `data: {error}`). */
export function sseError(shape: WireFormat, type: string, message: string): string {
  const body = renderErrorBody(shape, { type, message });
  return shape === "anthropic" ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}

/**
 * Relays an upstream stream to the client. Same shape: bytes pass through untouched while
 * a tap reads usage; other shape: the translator. Output is held back only until the first
 * content (or the end): an overloaded/rate-limit error before then is returned as `retry`
 * so the caller can fall back; after it, failures become an error event, never a splice.
 * Deadlines and caps (`limits`) end a stream with an error event too, never a clean end;
 * `clientSignal` (the request's) stops the upstream as soon as the client is gone.
 */
export async function startStream(
  upstream: ReadableStream<Uint8Array>,
  from: WireFormat,
  to: WireFormat,
  opts: ResponseOptions,
  canRetry: boolean,
  abortUpstream: () => void,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  clientSignal?: AbortSignal,
): Promise<StreamStart> {
  const passThrough = from === to;
  const tap = passThrough ? createUsageTap(from, opts, limits.maxEventBytes) : null;
  const tr = passThrough ? null : createStreamTranslator(from, to, opts, limits.maxEventBytes);
  const framer = passThrough ? createSseFramer(limits.maxEventBytes) : null;
  const obs: StreamObservations = (tap ?? tr) as StreamObservations;
  const reader = byteReader(upstream);
  let contentEvents = 0;
  let ended = false;
  let cut: string | undefined;
  let errorInStream = false;
  /** Gatehouse gives up on the upstream: the pending read ends, and feed(null) writes the error event. */
  const giveUp = (reason: string) => {
    cut ??= reason;
    abortUpstream();
    reader.cancel().catch(() => {});
  };
  const deadline = watchStream(limits, giveUp);

  /** Feeds one upstream chunk (or the end) and returns what to send to the client. */
  const feed = (chunk: Uint8Array | null): Uint8Array | null => {
    if (chunk === null) {
      ended = true;
      deadline.stop();
      // Cut by Gatehouse before the answer was complete: whole events only, then our error.
      if (cut !== undefined && !obs.done) return enc.encode(sseError(to, "api_error", cut));
      const hadError = obs.upstreamError !== undefined;
      errorInStream = hadError;
      const rest = tap ? tap.end() : (tr as NonNullable<typeof tr>).end();
      // Pass-through cannot ask the tap to write: a cut stream gets its error event here,
      // in place of the unfinished event it was cut in.
      const unfinished = framer ? framer.rest() : null;
      const err = obs.upstreamError as UpstreamError | undefined; // end() may have set it
      if (tap && err && !hadError) return enc.encode(sseError(to, err.type, err.message));
      if (tap && !obs.done && !hadError) return enc.encode(sseError(to, "api_error", "upstream stream ended before completing"));
      if (unfinished && unfinished.length > 0) return unfinished;
      return rest ? enc.encode(rest) : null;
    }
    deadline.sawBytes();
    const out = relay(chunk);
    // Counted after the chunk is read, so the chunk carrying the first content counts too.
    if (obs.sawContent) contentEvents += countData(chunk);
    return out;
  };

  const relay = (chunk: Uint8Array): Uint8Array | null => {
    if (tap && framer) {
      const before = obs.upstreamError;
      const whole = framer.push(tap.push(chunk));
      if (whole === null) {
        // One event outgrew the cap: everything relayed so far is whole events, our error follows.
        ended = true;
        deadline.stop();
        giveUp(`upstream sent an event larger than ${limits.maxEventBytes} bytes (STREAM_MAX_EVENT_BYTES)`);
        return enc.encode(sseError(to, "api_error", cut as string));
      }
      const now = obs.upstreamError as UpstreamError | undefined; // push() may have set it
      if (!before && now && !isErrorEvent(to, whole)) {
        // The tap could not parse what the upstream sent (junk, not an error event of its
        // own): the client gets our error event, and the rest of the junk is not relayed.
        ended = true;
        if (tap.overflowed) cut ??= now.message;
        else errorInStream = true;
        abortUpstream();
        return concatBytes(whole, enc.encode(sseError(to, "api_error", `upstream sent an unreadable event: ${now.message}`)));
      }
      const relayed = opts.includeUsage === false && to === "openai" ? withoutUsageOnlyChunk(whole) : whole;
      return relayed.length > 0 ? relayed : null;
    }
    const before = obs.upstreamError;
    const text = (tr as NonNullable<typeof tr>).push(chunk);
    const now = obs.upstreamError as UpstreamError | undefined; // push() may have set it
    if (!before && now) {
      // The translated stream ended in an error (the upstream's, or an oversized event): the
      // client has its error event, the upstream is not read any further.
      ended = true;
      if ((tr as NonNullable<typeof tr>).overflowed) cut ??= now.message;
      else errorInStream = true;
      deadline.stop();
      abortUpstream();
      reader.cancel().catch(() => {});
    }
    return text ? enc.encode(text) : null;
  };

  const read = async (): Promise<Uint8Array | null> => {
    try {
      const res = await reader.next();
      return res.done ? null : reader.take(res.value);
    } catch {
      return null; // a cut connection ends the stream; end() turns it into an error event
    }
  };

  // Phase 1: until content starts, keep output back so a retryable failure can fall back.
  // What is held is capped like one event: an upstream that sends only preamble cannot grow it.
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  while (!obs.sawContent && !ended) {
    const out = feed(await read());
    if (obs.upstreamError?.retryable && canRetry) {
      deadline.stop();
      abortUpstream();
      await reader.cancel().catch(() => {});
      return { kind: "retry", reason: `${obs.upstreamError.type}: ${obs.upstreamError.message}`, status: 529 };
    }
    if (out) {
      held.push(out);
      heldBytes += out.length;
      if (heldBytes > limits.maxEventBytes && !ended) giveUp(`upstream sent more than ${limits.maxEventBytes} bytes before any content (STREAM_MAX_EVENT_BYTES)`);
    }
  }

  // Phase 2: commit. The client gets what was held, then the rest as it arrives.
  // workerd's native IdentityTransformStream hands bytes to the client without a JS
  // transform step; elsewhere (node tests) a plain TransformStream does the same job.
  const { readable, writable } =
    typeof IdentityTransformStream === "function" ? new IdentityTransformStream() : new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
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
      writer.abort().catch(() => {}); // a write waiting on the gone client fails instead of hanging
    };
    // A client that left before any content reached it (during phase 1): the upstream has
    // done the costly part already, so read on for its usage, within the limits, writing
    // nothing, instead of billing the accepted work as nothing.
    const draining = clientSignal?.aborted === true;
    if (!draining) clientSignal?.addEventListener("abort", hungUp, { once: true });
    const drainTimer = draining ? setTimeout(() => giveUp(`the client left and the answer did not end within ${AFTER_HANGUP_MS} ms`), AFTER_HANGUP_MS) : undefined;
    // One write in flight while the next upstream chunk is read: reading and relaying overlap.
    let inFlight: Promise<void> | undefined;
    for (const h of draining ? [] : held) {
      if (inFlight) await inFlight;
      inFlight = writer.write(h).then(undefined, gone);
    }
    while (!ended && !clientGone) {
      // read(), inlined: this loop runs once per upstream chunk, and an async call per chunk
      // is one more promise and microtask each time.
      let chunk: Uint8Array | null;
      try {
        const res = await reader.next();
        chunk = res.done ? null : reader.take(res.value);
      } catch {
        chunk = null; // a cut connection ends the stream; feed(null) turns it into an error event
      }
      const out = feed(chunk);
      if (out && !draining && !clientGone) {
        if (inFlight) await inFlight;
        inFlight = writer.write(out).then(undefined, gone);
      }
    }
    if (inFlight) await inFlight;
    deadline.stop();
    clearTimeout(drainTimer);
    clientSignal?.removeEventListener("abort", hungUp);
    if (clientGone) {
      abortUpstream();
      await reader.cancel().catch(() => {});
    } else {
      await writer.close().catch(() => {});
    }
    return { obs, contentEvents, clientGone: clientGone || draining, errorInStream, ...(cut !== undefined ? { cut } : {}) };
  })();
  return { kind: "response", body: readable, pump };
}

/** How many `data:` fields start in these bytes (a line start is not checked: an estimate). */
function countData(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(100); i >= 0 && i + 4 < bytes.length; i = bytes.indexOf(100, i + 1)) {
    if (bytes[i + 1] === 97 && bytes[i + 2] === 116 && bytes[i + 3] === 97 && bytes[i + 4] === 58) n++; // "data:"
  }
  return n;
}

/** True when the relayed bytes hold the upstream's own error event (so the client already has it). */
function isErrorEvent(shape: WireFormat, bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes);
  return shape === "anthropic" ? text.includes("event: error") || text.includes('"type":"error"') : text.includes('"error"');
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const USAGE_ONLY = new TextEncoder().encode('"choices":[]');

/**
 * Drops OpenAI's usage-only chunk (`"choices":[]`) from whole relayed events, for clients
 * that did not ask for usage. Other bytes are untouched; most chunks lack the marker and
 * are returned as they are without being decoded.
 */
function withoutUsageOnlyChunk(bytes: Uint8Array): Uint8Array {
  if (indexOfBytes(bytes, USAGE_ONLY) < 0) return bytes;
  const text = new TextDecoder().decode(bytes);
  const events = text.split(/(?<=\r\n\r\n|\n\n|\r\r)/);
  return new TextEncoder().encode(events.filter((e) => !(e.includes('"choices":[]') && e.includes('"usage"'))).join(""));
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0] as number;
  for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
