// Same-shape pass-through: the upstream's bytes reach the client untouched (whole SSE events,
// through the framer) while a tap reads usage, stop and errors. Beside complete()'s IR path,
// not through it: no parse-and-render per event on the busiest path.
import type { WireFormat } from "../../generated/providers/catalog";
import { createUsageTap, renderErrorBody, type ResponseOptions, type UpstreamError } from "../translate";
import { concatBytes } from "../bytes";
import { createSseFramer } from "./sse-framer";
import type { DecoderStop, StreamDecoder } from "./stream-pump";
import type { StreamLimits } from "./stream-limits";

const enc = new TextEncoder();

/** An SSE error event in the caller's shape (Anthropic `event: error`, OpenAI `data: {error}`, Responses' typed `error` event). */
export function sseError(shape: WireFormat, type: string, message: string): string {
  if (shape === "responses") return `event: error\ndata: ${JSON.stringify({ type: "error", code: type, message, param: null })}\n\n`;
  const body = renderErrorBody(shape, { type, message });
  return shape === "anthropic" ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}

export function createRelayDecoder(shape: WireFormat, opts: ResponseOptions, limits: StreamLimits): StreamDecoder<Uint8Array> {
  const tap = createUsageTap(shape, opts, limits.maxEventBytes);
  const framer = createSseFramer(limits.maxEventBytes);
  const dropUsage = opts.includeUsage === false && shape === "openai";
  let stop: DecoderStop | undefined;
  return {
    obs: tap,
    get stop() {
      return stop;
    },
    push(chunk) {
      const before = tap.upstreamError;
      const whole = framer.push(tap.push(chunk));
      if (whole === null) {
        // One event outgrew the cap: everything relayed so far is whole events, our error follows.
        const message = `upstream sent an event larger than ${limits.maxEventBytes} bytes (STREAM_MAX_EVENT_BYTES)`;
        stop = { kind: "cut", message };
        return enc.encode(sseError(shape, "api_error", message));
      }
      const now = tap.upstreamError as UpstreamError | undefined; // push() may have set it
      if (!before && now && !isErrorEvent(shape, whole)) {
        // The tap could not parse what the upstream sent (junk, not an error event of its
        // own): the client gets our error event, and the rest of the junk is not relayed.
        stop = tap.overflowed ? { kind: "cut", message: now.message } : { kind: "upstream_error" };
        return concatBytes([whole, enc.encode(sseError(shape, "api_error", `upstream sent an unreadable event: ${now.message}`))]);
      }
      const relayed = dropUsage ? withoutUsageOnlyChunk(whole) : whole;
      return relayed.length > 0 ? relayed : null;
    },
    end() {
      const hadError = tap.upstreamError !== undefined;
      tap.end();
      // Pass-through cannot ask the tap to write: a cut stream gets its error event here,
      // in place of the unfinished event it was cut in.
      const unfinished = framer.rest();
      const err = tap.upstreamError as UpstreamError | undefined; // end() may have set it
      if (err && !hadError) return enc.encode(sseError(shape, err.type, err.message));
      if (!tap.done && !hadError) return enc.encode(sseError(shape, "api_error", "upstream stream ended before completing"));
      return unfinished && unfinished.length > 0 ? unfinished : null;
    },
    error(message) {
      return enc.encode(sseError(shape, "api_error", message));
    },
    size: (out) => out.length,
    join: concatBytes,
  };
}

/** True when the relayed bytes hold the upstream's own error event (so the client already has it). */
function isErrorEvent(shape: WireFormat, bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes);
  if (shape === "openai") return text.includes('"error"');
  // Every Responses snapshot carries `"error":null`: only its typed error events count.
  return text.includes('"type":"error"') || (shape === "responses" && text.includes('"type":"response.failed"')) || (shape === "anthropic" && text.includes("event: error"));
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
