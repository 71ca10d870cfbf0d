// The gateway's SSE parser: the one shared parser (codegen/templates/sse-parser.ts, copied by
// `npm run gen` to generated/shared/sse-parser.ts; the client gets the same file as
// generated/client/sse.ts), with the gateway's leniency for sloppy upstreams turned on:
// indentation before a field name is skipped, so a whitespace-only line ends an event.
// An event the upstream cut before its blank line is still dispatched by end(), with
// `unterminated` set (see the shared file's header for the rules and the costs).
import { SseParser as SharedSseParser, type SseHandler, type SseParserOptions } from "../../generated/shared/sse-parser";

export { DEFAULT_MAX_EVENT_CHARS, type SseHandler, type SseParserOptions } from "../../generated/shared/sse-parser";

export class SseParser extends SharedSseParser {
  constructor(onEvent: SseHandler, opts: SseParserOptions = {}) {
    super(onEvent, { indentTolerant: true, ...opts });
  }
}
