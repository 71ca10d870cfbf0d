// The streaming translator as a Web-standard TransformStream over bytes.
import type { ResponseOptions } from "./response-options";
import { createStreamTranslator } from "./stream-translator";
import type { StreamObservations } from "./stream-translator";
import type { WireFormat } from "./wire-format";

export interface TranslatingStream {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  /** Live observations: usage, stop reason, sawContent, upstreamError. */
  state: StreamObservations;
}

export function translateStream(from: WireFormat, to: WireFormat, opts: ResponseOptions = {}): TranslatingStream {
  const translator = createStreamTranslator(from, to, opts);
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out = translator.push(chunk);
      if (out !== "") controller.enqueue(encoder.encode(out));
    },
    flush(controller) {
      const out = translator.end();
      if (out !== "") controller.enqueue(encoder.encode(out));
    },
  });
  return { readable, writable, state: translator };
}
