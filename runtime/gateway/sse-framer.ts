const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

export interface SseFramer {
  /** Takes upstream bytes; returns the bytes up to the last complete event (possibly none). */
  push(chunk: Uint8Array): Uint8Array;
  /** Returns and forgets the bytes of an unfinished last event. */
  rest(): Uint8Array;
}

/**
 * Lets a pass-through stream relay whole SSE events only. Bytes after the last blank line
 * wait for the rest of their event, so when the upstream is cut mid-event the gateway's
 * error event starts on a fresh line instead of being glued onto half a `data:` line
 * (which clients would parse as one broken event). Bytes are never altered.
 */
export function createSseFramer(): SseFramer {
  let tail = EMPTY;
  return {
    push(chunk) {
      const buf = tail.length === 0 ? chunk : concat(tail, chunk);
      const end = lastEventEnd(buf);
      tail = buf.slice(end);
      return buf.subarray(0, end);
    },
    rest() {
      const r = tail;
      tail = EMPTY;
      return r;
    },
  };
}

/** The offset just past the last blank line in `buf` (0 if none); lines end in LF, CR or CRLF. */
function lastEventEnd(buf: Uint8Array): number {
  let end = 0;
  let lineEnds = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b !== LF && b !== CR) {
      lineEnds = 0;
      continue;
    }
    if (b === CR) {
      if (i + 1 === buf.length) break; // a CRLF may be split across chunks: decide on the next push
      if (buf[i + 1] === LF) i++;
    }
    if (++lineEnds === 2) {
      end = i + 1;
      lineEnds = 0;
    }
  }
  return end;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
