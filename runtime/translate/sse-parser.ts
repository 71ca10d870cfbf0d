// Incremental Server-Sent Events parser (WHATWG "event stream" rules) over arbitrary
// byte or string splits. Handles LF, CRLF and lone CR line ends (also split across
// chunks), comment lines, multi-line `data:`, and multi-byte UTF-8 split across chunks.
// Leniencies, because upstreams are sloppy: leading spaces/tabs before a field name are
// skipped (so a whitespace-only line ends an event), and at end of input a pending event
// is dispatched even without its blank line; the consumer decides whether it is whole.
// Memory: only the current unfinished line and event are kept; a long line arriving in
// many pieces is joined once, when its end arrives. Both are capped (`maxEventChars`): an
// upstream that never ends its line or event must not grow a stream's memory without bound.

export type SseHandler = (event: string, data: string) => void;

export interface SseParserOptions {
  /** The most characters the unfinished line and event may hold together (default 4 Mi). */
  maxEventChars?: number;
  /** Called once when an event outgrows the cap; the parser then ignores the rest of the input. */
  onOverflow?: () => void;
}

export const DEFAULT_MAX_EVENT_CHARS = 4 * 1024 * 1024;

const LF = 10;
const SPACE = 32;
const TAB = 9;
const COLON = 58;

export class SseParser {
  /** Pieces of the unfinished line; joined only once its line end arrives (linear time). */
  private pending: string[] = [];
  private pendingChars = 0;
  private overflowed = false;
  private data = "";
  private hasData = false;
  private event = "";
  private skipLeadingLF = false;
  private decoder: TextDecoder | undefined;
  private readonly onEvent: SseHandler;
  private readonly maxEventChars: number;
  private readonly onOverflow: (() => void) | undefined;

  constructor(onEvent: SseHandler, opts: SseParserOptions = {}) {
    this.onEvent = onEvent;
    this.maxEventChars = opts.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
    this.onOverflow = opts.onOverflow;
  }

  push(chunk: Uint8Array | string): void {
    if (this.overflowed) return;
    let text: string;
    if (typeof chunk === "string") {
      text = chunk;
    } else {
      this.decoder ??= new TextDecoder();
      text = this.decoder.decode(chunk, { stream: true });
    }
    if (text.length === 0) return;
    if (this.skipLeadingLF) {
      this.skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    if (this.pending.length > 0) {
      if (text.indexOf("\n") === -1 && text.indexOf("\r") === -1) {
        this.keep(text);
        return;
      }
      this.pending.push(text);
      text = this.pending.join("");
      this.pending = [];
      this.pendingChars = 0;
    }
    this.scan(text);
  }

  /** Flushes the decoder, a last unterminated line and a pending event. */
  end(): void {
    if (this.overflowed) return;
    if (this.decoder !== undefined) {
      const rest = this.decoder.decode();
      if (rest.length > 0) this.push(rest);
    }
    if (this.pending.length > 0) {
      const line = this.pending.join("");
      this.pending = [];
      this.pendingChars = 0;
      this.line(line, 0, line.length);
    }
    this.dispatch();
  }

  private scan(s: string): void {
    const len = s.length;
    let pos = 0;
    // Most streams use LF only; look for CR once and only track it when present.
    let cr = s.indexOf("\r");
    while (pos < len) {
      let lf = s.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = s.indexOf("\r", pos);
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        this.line(s, pos, cr);
        if (cr + 1 < len) {
          pos = s.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          pos = len;
          this.skipLeadingLF = true;
        }
        continue;
      }
      if (lf === -1) break;
      this.line(s, pos, lf);
      pos = lf + 1;
    }
    if (pos < len && !this.overflowed) this.keep(s.slice(pos));
  }

  /** Keeps a piece of the unfinished line, unless line and event together outgrow the cap. */
  private keep(piece: string): void {
    this.pendingChars += piece.length;
    if (this.pendingChars + this.data.length > this.maxEventChars) this.overflow();
    else this.pending.push(piece);
  }

  private overflow(): void {
    this.overflowed = true;
    this.pending = [];
    this.pendingChars = 0;
    this.data = "";
    this.hasData = false;
    this.onOverflow?.();
  }

  private line(s: string, start: number, end: number): void {
    if (this.overflowed) return;
    let c = s.charCodeAt(start);
    while (start < end && (c === SPACE || c === TAB)) c = s.charCodeAt(++start);
    if (start >= end) {
      this.dispatch();
      return;
    }
    if (c === COLON) return; // comment, e.g. ": OPENROUTER PROCESSING"
    let colon = s.indexOf(":", start);
    if (colon === -1 || colon > end) colon = end;
    let valueStart = colon + 1;
    if (valueStart < end && s.charCodeAt(valueStart) === SPACE) valueStart++;
    const fieldLen = colon - start;
    if (fieldLen === 4 && s.startsWith("data", start)) {
      const value = valueStart < end ? s.slice(valueStart, end) : "";
      if (this.hasData) this.data += `\n${value}`;
      else this.data = value;
      this.hasData = true;
      if (this.data.length > this.maxEventChars) this.overflow();
    } else if (fieldLen === 5 && s.startsWith("event", start)) {
      this.event = valueStart < end ? s.slice(valueStart, end) : "";
    }
    // `id`, `retry` and unknown fields carry nothing the translator needs.
  }

  private dispatch(): void {
    if (this.hasData) {
      const event = this.event;
      const data = this.data;
      this.data = "";
      this.hasData = false;
      this.event = "";
      this.onEvent(event, data);
    } else {
      this.event = "";
    }
  }
}
