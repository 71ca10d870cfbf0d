// The Responses API (POST /v1/responses) over the IR: a request becomes the body a provider
// speaks (Chat Completions or Anthropic Messages); the answer's IR events become `response.*`
// events or a `response` object. Imports nothing outside runtime/translate.
import { renderAnthropicRequest } from "../anthropic/render-request";
import type { IrStreamEvent } from "../ir";
import { renderOpenAIRequest } from "../openai/render-request";
import { responseFromEvents } from "../response-events";
import { randomId, type ResponseOptions } from "../response-options";
import type { WireFormat } from "../wire-format";
import { itemId, outputItem, type OutputItem } from "./items";
import { parseResponsesRequest } from "./parse-request";
import { kindOf, renderResponsesObject, type ResponsesRenderOptions } from "./render-response";

export { inputItems, parseResponsesRequest } from "./parse-request";
export { ResponsesStreamRenderer } from "./render-stream";
export { renderResponsesObject, responseObject } from "./render-response";
export type { ResponsesRenderOptions } from "./render-response";
export { usageToResponses, REDACTED_PREFIX } from "./items";
export { ResponsesStreamParser } from "./stream-to-ir";
export { parseResponsesResponse } from "./parse-response";
export { usageFromResponses } from "./usage";
export type { OutputItem, ResponsesUsage } from "./items";

/**
 * A Responses request whose conversation is `items` (stored turns first) as a body in `format`.
 * Anthropic keeps prior thinking with its signature (a tool-result turn needs it); Chat
 * Completions hosts drop it. Throws TranslateError (400) naming the field it cannot express.
 */
export function responsesRequestAs(
  format: WireFormat,
  body: Readonly<Record<string, unknown>>,
  items: readonly unknown[],
  opts: { maxTokensField?: "max_tokens" | "max_completion_tokens" } = {},
): Record<string, unknown> {
  const ir = parseResponsesRequest(body, items);
  switch (format) {
    case "anthropic":
      return renderAnthropicRequest(ir) as unknown as Record<string, unknown>;
    case "openai":
      return renderOpenAIRequest(ir, opts) as unknown as Record<string, unknown>;
    case "responses":
      // A Responses request to a Responses upstream is never translated: it goes as it came.
      throw new TypeError("a Responses request needs no translation to the Responses format");
    default: {
      const never: never = format;
      throw new TypeError(`unknown wire format ${String(never)}`);
    }
  }
}

/** The render options of a generic caller (render-sse.ts, render-json.ts): a fresh `resp_` id unless one is given. */
export function responsesRenderOptions(opts: ResponseOptions): ResponsesRenderOptions {
  return { id: opts.messageId ?? randomId("resp_"), model: opts.model ?? "", createdAt: opts.created ?? Math.floor(Date.now() / 1000), echo: {} };
}

/** A whole answer's IR events as a `response` object and its output items (what is stored). */
export function responsesFromEvents(events: Iterable<IrStreamEvent>, opts: ResponsesRenderOptions): { object: Record<string, unknown>; items: OutputItem[]; error: { type: string; message: string } | undefined } {
  const ir = responseFromEvents(events);
  const items = ir.content.map((b, i) => outputItem(b, itemId(opts.id, kindOf(b.type), i)));
  return { object: renderResponsesObject(ir, opts), items, error: ir.error };
}
