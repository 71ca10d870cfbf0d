import { concatBytes } from "../bytes";

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

export interface SseFramer {
  /**
   * Takes upstream bytes; returns the bytes up to the last complete event (possibly none),
   * or null when the unfinished event has grown past the cap (the stream must end).
   */
  push(chunk: Uint8Array): Uint8Array | null;
  /** Returns and forgets the bytes of an unfinished last event. */
  rest(): Uint8Array;

  /** Bytes examined so far: each pushed byte once (tests and benches check the scan is linear). */
  readonly scanned: number;
}

/**
 * Lets a pass-through stream relay whole SSE events only. Bytes after the last blank line
 * wait for the rest of their event, so when the upstream is cut mid-event the gateway's
 * error event starts on a fresh line instead of being glued onto half a `data:` line
 * (which clients would parse as one broken event). Bytes are never altered.
 *
 * Each byte is examined once: the line-end state at the end of the unfinished event is
 * carried over, so a large event arriving in many pieces costs linear time, and its pieces
 * are kept apart and joined once, when the event completes (or is given up at the cap).
 * Chunks must not be reused by the caller after push (the stream pump's are fresh copies).
 */
export function createSseFramer(maxEventBytes: number): SseFramer {
  const pieces: Uint8Array[] = [];
  let tailBytes = 0;
  // Consecutive line ends at the end of what was scanned (0 or 1: 2 completes an event).
  let lineEnds = 0;
  // The last byte scanned was a CR: an LF first in the next chunk belongs to it. When that
  // CR ends an event, the event is released with the next push, so it ends with its CRLF.
  let afterCR = false;
  let crEndsEvent = false;
  let scanned = 0;

  const framer: SseFramer = {
    push(chunk) {
      scanned += chunk.length;
      let end = -1;
      let i = 0;
      if (afterCR && chunk.length > 0) {
        afterCR = false;
        if (chunk[0] === LF) i = 1; // the CRLF's second half: its line end is already counted
        if (crEndsEvent) {
          crEndsEvent = false;
          end = i; // the held event ends here, with or without that LF
          lineEnds = 0;
        }
      }
      for (; i < chunk.length; i++) {
        const b = chunk[i];
        if (b !== LF && b !== CR) {
          lineEnds = 0;
          continue;
        }
        if (b === CR) {
          if (i + 1 === chunk.length) {
            afterCR = true;
            if (lineEnds === 1) {
              crEndsEvent = true; // decided on the next push (a CRLF may be split across chunks)
              break;
            }
          } else if (chunk[i + 1] === LF) i++;
        }
        if (++lineEnds === 2) {
          end = i + 1;
          lineEnds = 0;
        }
      }
      if (end < 0) {
        tailBytes += chunk.length;
        if (tailBytes > maxEventBytes) return overflow();
        if (chunk.length > 0) pieces.push(chunk);
        return EMPTY;
      }
      // The usual read ends on an event boundary: the chunk itself, no allocation.
      const whole = tailBytes > 0 ? concatBytes([...pieces, chunk.subarray(0, end)]) : end === chunk.length ? chunk : chunk.subarray(0, end);
      pieces.length = 0;
      tailBytes = chunk.length - end; // at most one chunk: the cap is checked when the next piece comes
      if (tailBytes > 0) pieces.push(chunk.subarray(end));
      return whole;
    },
    rest() {
      const r = tailBytes === 0 ? EMPTY : concatBytes(pieces);
      pieces.length = 0;
      tailBytes = 0;
      lineEnds = 0;
      afterCR = false;
      crEndsEvent = false;
      return r;
    },
    get scanned() {
      return scanned;
    },
  };

  function overflow(): null {
    pieces.length = 0;
    tailBytes = 0;
    return null;
  }
  return framer;
}
