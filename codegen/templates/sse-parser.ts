// The one Server-Sent Events parser, shared by the gateway (which reads upstream streams on
// its hot path) and the generated client (which reads Gatehouse's streams). `npm run gen`
// copies this file, unchanged, to generated/shared/sse-parser.ts (the runtime imports it
// through runtime/translate/sse-parser.ts) and to generated/client/sse.ts (the client package
// must not import runtime/). Dependency-free and runtime-neutral: Workers, Node ≥ 20, Deno,
// Bun and browsers.
//
// Rules: WHATWG HTML "event stream interpretation" (§9.2.6). LF, CRLF and lone CR line ends,
// also a CRLF split between two chunks; one leading U+FEFF (BOM) dropped; `:` comment lines;
// `data` lines joined with "\n"; `event`, `id` (ignored when it contains U+0000; it carries
// over to later events, as the spec's "last event ID" does) and `retry` (ASCII digits only);
// a line without a colon is a field with an empty value; unknown fields are ignored; an
// event without a `data` line is not dispatched. Bytes may be split anywhere, also inside a
// UTF-8 sequence (one streaming TextDecoder).
//
// Where it differs from the spec, deliberately:
// - End of input: the spec drops an event that lacks its closing blank line. Here `end()`
//   dispatches it (a last `message_stop` or `[DONE]` without its blank line is common and
//   should not be lost) and sets `unterminated`, so a consumer that must know the stream was
//   cut (a billing relay, a client's final message) can tell: read `parser.unterminated` in
//   the handler or after `end()`; `iterateSse` marks such an event `unterminated: true`.
// - `indentTolerant` (off by default; the gateway turns it on for sloppy upstreams): spaces
//   and tabs before a field name are skipped, so a whitespace-only line ends an event.
//
// Cost: linear in the input. Only the unfinished line and event are kept; a long line that
// arrives in many pieces is kept as pieces and joined once, when its line end arrives, and
// each piece is searched for a line end once. Both are capped (`maxEventChars`) so an
// upstream that never ends a line or an event cannot grow memory without bound.

/** Receives each event: its type ("" when it had no `event` line), its data, and the last event id. */
export type SseHandler = (event: string, data: string, id: string) => void;

export interface SseParserOptions {
  /** The most characters the unfinished line and event may hold together (default 4 Mi). */
  maxEventChars?: number;
  /** Called once when an event outgrows the cap; the parser then ignores the rest of the input. */
  onOverflow?: () => void;
  /** Called with each valid `retry:` value (milliseconds). */
  onRetry?: (ms: number) => void;
  /** Skip spaces and tabs before a field name, so a whitespace-only line ends an event (not in the spec; default false). */
  indentTolerant?: boolean;
}

export const DEFAULT_MAX_EVENT_CHARS = 4 * 1024 * 1024;

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const COLON = 58;
const BOM = 0xfeff;

export class SseParser {
  /** Pieces of the unfinished line; joined only once its line end arrives (linear time). */
  private pending: string[] = [];
  private pendingChars = 0;
  private overflowed = false;
  private data = "";
  private hasData = false;
  private event = "";
  private id = "";
  /** A field line arrived since the last blank line (the event is open). */
  private open = false;
  private atStart = true;
  private skipLeadingLF = false;
  private decoder: TextDecoder | undefined;
  private ended = false;
  private cut = false;
  private readonly onEvent: SseHandler;
  private readonly maxEventChars: number;
  private readonly onOverflow: (() => void) | undefined;
  private readonly onRetry: ((ms: number) => void) | undefined;
  private readonly indentTolerant: boolean;

  constructor(onEvent: SseHandler, opts: SseParserOptions = {}) {
    this.onEvent = onEvent;
    this.maxEventChars = opts.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
    this.onOverflow = opts.onOverflow;
    this.onRetry = opts.onRetry;
    this.indentTolerant = opts.indentTolerant ?? false;
  }

  /** The last `id:` seen ("" before any): the value to send back as `Last-Event-ID`. */
  get lastEventId(): string {
    return this.id;
  }

  /**
   * True once `end()` found the input stopped inside an event (field lines, or a partial line,
   * after the last blank line). That event is still dispatched, from within `end()`, with this
   * already true; whether a cut stream is usable is the consumer's call.
   */
  get unterminated(): boolean {
    return this.cut;
  }

  /** Feeds the next piece of the stream: bytes (decoded as UTF-8, split anywhere) or text. */
  push(chunk: Uint8Array | string): void {
    if (this.overflowed || this.ended) return;
    let text: string;
    if (typeof chunk === "string") {
      text = chunk;
    } else {
      this.decoder ??= new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
      text = this.decoder.decode(chunk, { stream: true });
    }
    if (text.length === 0) return;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) {
        text = text.slice(1);
        if (text.length === 0) return;
      }
    }
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

  /** Ends the input: flushes the decoder and a last line, and dispatches a pending event (see `unterminated`). */
  end(): void {
    if (this.overflowed || this.ended) return;
    if (this.decoder !== undefined) {
      const rest = this.decoder.decode();
      if (rest.length > 0) this.push(rest);
    }
    this.ended = true;
    if (this.pending.length > 0) {
      const line = this.pending.join("");
      this.pending = [];
      this.pendingChars = 0;
      this.line(line, 0, line.length);
    }
    if (this.overflowed) return;
    this.cut = this.open;
    this.dispatch();
  }

  private scan(s: string): void {
    const len = s.length;
    let pos = 0;
    // Most streams use LF only; look for CR once and only track it when present.
    let cr = s.indexOf("\r");
    while (pos < len) {
      const lf = s.indexOf("\n", pos);
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

  /** One line, s[start, end), without its line end. */
  private line(s: string, start: number, end: number): void {
    if (this.overflowed) return;
    let c = s.charCodeAt(start);
    if (this.indentTolerant) while (start < end && (c === SPACE || c === TAB)) c = s.charCodeAt(++start);
    if (start >= end) {
      this.open = false;
      this.dispatch();
      return;
    }
    if (c === COLON) return; // comment, e.g. ": OPENROUTER PROCESSING"
    this.open = true;
    // The field name ends at the first colon of this line (bounded by the line: linear).
    let colon = start + 1;
    while (colon < end && s.charCodeAt(colon) !== COLON) colon++;
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
    } else if (fieldLen === 2 && s.startsWith("id", start)) {
      const value = valueStart < end ? s.slice(valueStart, end) : "";
      if (value.indexOf("\0") === -1) this.id = value;
    } else if (fieldLen === 5 && s.startsWith("retry", start)) {
      if (valueStart < end && this.onRetry !== undefined) {
        let i = valueStart;
        while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        if (i === end) this.onRetry(Number(s.slice(valueStart, end)));
      }
    }
    // Unknown fields are ignored.
  }

  private dispatch(): void {
    if (this.hasData) {
      const event = this.event;
      const data = this.data;
      this.data = "";
      this.hasData = false;
      this.event = "";
      this.onEvent(event, data, this.id);
    } else {
      this.event = "";
    }
  }
}

/** One event, as `iterateSse` yields it. */
export interface SseMessage {
  /** The `event:` field; "" when the event had none (EventSource would call it "message"). */
  event: string;
  /** The `data:` lines, joined with "\n" (not parsed: `[DONE]` and JSON alike arrive as text). */
  data: string;
  /** The last `id:` seen so far in the stream ("" before any). */
  id: string;
  /** The last valid `retry:` (milliseconds) seen so far, when there was one. */
  retry?: number;
  /** Present (true) only on a last event the stream ended without its closing blank line. */
  unterminated?: true;
}

/**
 * Yields the events of an SSE body as they arrive. Leaving the loop early (`break`, `return`,
 * a throw) cancels the body, which aborts the underlying request, not only releases it.
 */
export async function* iterateSse(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>,
  opts: Pick<SseParserOptions, "maxEventChars" | "indentTolerant"> = {},
): AsyncGenerator<SseMessage, void, undefined> {
  const queue: SseMessage[] = [];
  let retry: number | undefined;
  let overflowed = false;
  const parser = new SseParser(
    (event, data, id) => {
      const msg: SseMessage = { event, data, id };
      if (retry !== undefined) msg.retry = retry;
      if (parser.unterminated) msg.unterminated = true;
      queue.push(msg);
    },
    { ...opts, onRetry: (ms) => (retry = ms), onOverflow: () => (overflowed = true) },
  );
  const tooLarge = () => new Error(`server-sent event larger than ${opts.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS} characters`);
  if (isReadableStream(body)) {
    const reader = body.getReader();
    let finished = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        if (overflowed) throw tooLarge();
        for (const msg of queue.splice(0)) yield msg;
      }
      finished = true;
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  } else {
    for await (const chunk of body) {
      parser.push(chunk);
      if (overflowed) throw tooLarge();
      for (const msg of queue.splice(0)) yield msg;
    }
  }
  parser.end();
  for (const msg of queue.splice(0)) yield msg;
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof (x as ReadableStream | null)?.getReader === "function";
}
