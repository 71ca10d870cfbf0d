// Streaming translation: bytes → SSE events → IR (parser) → SSE text (renderer),
// with the StreamState observing the IR. push() returns what to send now.
import { AnthropicStreamRenderer } from "./anthropic/ir-to-stream";
import { AnthropicStreamParser } from "./anthropic/stream-to-ir";
import type { IrEmit, IrStreamEvent } from "./ir";
import { OpenAIStreamRenderer } from "./openai/ir-to-stream";
import { OpenAIStreamParser } from "./openai/stream-to-ir";
import { responsesRenderOptions, ResponsesStreamParser, ResponsesStreamRenderer } from "./responses";
import { DEFAULT_MAX_EVENT_CHARS, SseParser } from "./sse-parser";
import type { ResponseOptions } from "./response-options";
import { StreamState } from "./stream-state";
import type { StreamObservations } from "./stream-state";
import type { WireFormat } from "./wire-format";

export type { StreamObservations } from "./stream-state";


export interface StreamTranslator extends StreamObservations {
  /** True once an upstream event outgrew the cap (the error is then the gateway's, not the upstream's). */
  readonly overflowed: boolean;
  /** Feeds upstream bytes (any split); returns the SSE text to send now, possibly "". */
  push(chunk: Uint8Array | string): string;
  /** Ends the upstream; returns the rest, including an error event if it was cut short. */
  end(): string;
}

export interface UsageTap extends StreamObservations {
  /** True once an upstream event outgrew the cap (the error is then the gateway's, not the upstream's). */
  readonly overflowed: boolean;
  /** Observes upstream bytes and returns them untouched. */
  push<T extends Uint8Array | string>(chunk: T): T;
  /** Ends the upstream; always "" (pass-through adds nothing). */
  end(): string;
}

interface Parser {
  onEvent(event: string, data: string): void;
  end(): void;
}

function createParser(from: WireFormat, emit: IrEmit, opts: ResponseOptions): Parser {
  switch (from) {
    case "openai":
      return new OpenAIStreamParser(emit, { stopSequences: opts.stopSequences ?? [] });
    case "anthropic":
      return new AnthropicStreamParser(emit);
    case "responses":
      return new ResponsesStreamParser(emit);
    default: {
      const never: never = from;
      throw new TypeError(`unknown wire shape ${String(never)}`);
    }
  }
}

/** Renders IR stream events as SSE text in one wire shape (stateful: one per response). */
export interface StreamRenderer {
  render(event: IrStreamEvent): string;
}

export function createStreamRenderer(to: WireFormat, opts: ResponseOptions = {}): StreamRenderer {
  switch (to) {
    case "openai":
      return new OpenAIStreamRenderer(opts);
    case "anthropic":
      return new AnthropicStreamRenderer(opts);
    case "responses":
      return new ResponsesStreamRenderer(responsesRenderOptions(opts));
    default: {
      const never: never = to;
      throw new TypeError(`unknown wire shape ${String(never)}`);
    }
  }
}

/** The IR error for an upstream event over the cap: the stream ends with it (memory stays bounded). */
function oversizedEvent(maxEventChars: number): IrStreamEvent {
  return { type: "error", error: { type: "api_error", message: `upstream sent an event larger than ${maxEventChars} characters` } };
}

/** Getters shared by the translator and the tap, reading the live StreamState. */
class Observed implements StreamObservations {
  protected readonly state = new StreamState();
  get usage() {
    return this.state.usage;
  }
  get stopReason() {
    return this.state.stopReason;
  }
  get stopSequence() {
    return this.state.stopSequence;
  }
  get sawContent() {
    return this.state.sawContent;
  }
  get upstreamError() {
    return this.state.upstreamError;
  }
  get done() {
    return this.state.done;
  }
}

class Translator extends Observed implements StreamTranslator {
  private out = "";
  private readonly parser: Parser;
  private readonly sse: SseParser;
  overflowed = false;

  constructor(from: WireFormat, to: WireFormat, opts: ResponseOptions, maxEventChars: number) {
    super();
    const renderer = createStreamRenderer(to, opts);
    const emit = (event: IrStreamEvent) => {
      this.state.observe(event);
      this.out += renderer.render(event);
    };
    this.parser = createParser(from, emit, opts);
    const onOverflow = () => {
      this.overflowed = true;
      emit(oversizedEvent(maxEventChars));
    };
    this.sse = new SseParser((event, data) => this.parser.onEvent(event, data), { maxEventChars, onOverflow });
  }

  push(chunk: Uint8Array | string): string {
    this.sse.push(chunk);
    return this.take();
  }

  end(): string {
    this.sse.end();
    if (!this.overflowed) this.parser.end(); // the stream already ended with the overflow's error
    return this.take();
  }

  private take(): string {
    const text = this.out;
    this.out = "";
    return text;
  }
}

class Tap extends Observed implements UsageTap {
  private readonly parser: Parser;
  private readonly sse: SseParser;
  overflowed = false;

  constructor(shape: WireFormat, opts: ResponseOptions, maxEventChars: number) {
    super();
    this.parser = createParser(shape, this.state.observe, opts);
    const onOverflow = () => {
      this.overflowed = true;
      this.state.observe(oversizedEvent(maxEventChars));
    };
    this.sse = new SseParser((event, data) => this.parser.onEvent(event, data), { maxEventChars, onOverflow });
  }

  push<T extends Uint8Array | string>(chunk: T): T {
    this.sse.push(chunk);
    return chunk;
  }

  end(): string {
    this.sse.end();
    if (!this.overflowed) this.parser.end();
    return "";
  }
}

export interface EventReader extends StreamObservations {
  /** True once an upstream event outgrew the cap (the error is then the gateway's, not the upstream's). */
  readonly overflowed: boolean;
  /** Feeds upstream bytes (any split); returns the IR events they complete, possibly none. */
  push(chunk: Uint8Array | string): IrStreamEvent[];
  /** Ends the upstream; returns the last events, an error event if it was cut short. */
  end(): IrStreamEvent[];
}

class Reader extends Observed implements EventReader {
  private out: IrStreamEvent[] = [];
  private readonly parser: Parser;
  private readonly sse: SseParser;
  overflowed = false;

  constructor(from: WireFormat, opts: ResponseOptions, maxEventChars: number) {
    super();
    const emit = (event: IrStreamEvent) => {
      this.state.observe(event);
      this.out.push(event);
    };
    this.parser = createParser(from, emit, opts);
    const onOverflow = () => {
      this.overflowed = true;
      emit(oversizedEvent(maxEventChars));
    };
    this.sse = new SseParser((event, data) => this.parser.onEvent(event, data), { maxEventChars, onOverflow });
  }

  push(chunk: Uint8Array | string): IrStreamEvent[] {
    this.sse.push(chunk);
    return this.take();
  }

  end(): IrStreamEvent[] {
    this.sse.end();
    if (!this.overflowed) this.parser.end();
    return this.take();
  }

  private take(): IrStreamEvent[] {
    const events = this.out;
    if (events.length > 0) this.out = [];
    return events;
  }
}

/** Parses a streamed response into IR events (what the gateway's complete() yields), observing it as it goes. */
export function createEventReader(from: WireFormat, opts: ResponseOptions = {}, maxEventChars = DEFAULT_MAX_EVENT_CHARS): EventReader {
  return new Reader(from, opts, maxEventChars);
}

/**
 * Translates a streamed response from one wire shape to another. With from === to the
 * stream is still parsed and re-rendered (normalizing provider quirks); use
 * createUsageTap to pass bytes through untouched instead.
 */
export function createStreamTranslator(from: WireFormat, to: WireFormat, opts: ResponseOptions = {}, maxEventChars = DEFAULT_MAX_EVENT_CHARS): StreamTranslator {
  return new Translator(from, to, opts, maxEventChars);
}

/** Observes a same-shape stream (usage, stop, errors) while passing its bytes through. */
export function createUsageTap(shape: WireFormat, opts: ResponseOptions = {}, maxEventChars = DEFAULT_MAX_EVENT_CHARS): UsageTap {
  return new Tap(shape, opts, maxEventChars);
}
