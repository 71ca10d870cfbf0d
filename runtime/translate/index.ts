// Public API of the translator: OpenAI Chat Completions ⇄ Anthropic Messages, requests,
// responses and streams. Pure TypeScript over Web-standard APIs; imports nothing outside
// this folder. See README.md.
import { parseAnthropicRequest } from "./anthropic/parse-request";
import { parseAnthropicResponse } from "./anthropic/parse-response";
import { renderAnthropicRequest } from "./anthropic/render-request";
import { renderAnthropicResponse } from "./anthropic/render-response";
import type { IrResponse, TokenUsage } from "./ir";
import { zeroUsage } from "./ir";
import { isRecord } from "./json";
import { parseOpenAIRequest } from "./openai/parse-request";
import { parseOpenAIResponse } from "./openai/parse-response";
import { renderOpenAIRequest } from "./openai/render-request";
import { renderOpenAIResponse } from "./openai/render-response";
import { parseResponsesResponse, renderResponsesObject, responsesRenderOptions, usageFromResponses } from "./responses";
import type { ToAnthropicOptions, ToOpenAIOptions } from "./request-options";
import type { ResponseOptions } from "./response-options";
import type { WireFormat } from "./wire-format";
import { usageFromAnthropic, usageFromOpenAI } from "./usage";
import type { AnthropicMessage, AnthropicMessagesRequest } from "./wire/anthropic";
import type { ChatCompletion, ChatCompletionRequest } from "./wire/openai";

export type * from "./wire/anthropic";
export type * from "./wire/openai";
export { TranslateError, UpstreamFormatError } from "./errors";
export type { UpstreamError } from "./errors";
export type { IrStopReason as StopReason, IrStreamEvent, TokenUsage } from "./ir";
export { zeroUsage } from "./ir";
export type { RequestOptions, ToAnthropicOptions, ToOpenAIOptions } from "./request-options";
export type { ResponseOptions } from "./response-options";
export { createEventReader, createStreamRenderer, createStreamTranslator, createUsageTap } from "./stream-translator";
export type { EventReader, StreamObservations, StreamRenderer, StreamTranslator, UsageTap } from "./stream-translator";
export { responseEvents, responseFromEvents } from "./response-events";
export type { IrResponse } from "./ir";
export type { WireFormat } from "./wire-format";
export { translateStream } from "./transform-stream";
export type { TranslatingStream } from "./transform-stream";
export { parseUpstreamError, renderErrorBody, translateErrorBody } from "./error-body";

/** A request or response body as typed here, or as it came out of JSON.parse. */
type Body<T> = T | Readonly<Record<string, unknown>>;

/**
 * Anthropic Messages request → Chat Completions request. Validates the input and throws
 * TranslateError (400, naming the field) for anything Chat Completions cannot express.
 * A streaming request always gets `stream_options: { include_usage: true }`.
 */
export function anthropicRequestToOpenAI(
  req: Body<AnthropicMessagesRequest>,
  opts: ToOpenAIOptions = {},
): ChatCompletionRequest {
  return renderOpenAIRequest(parseAnthropicRequest(req, opts.ignoreFields), opts);
}

/** Chat Completions request → Anthropic Messages request; TranslateError as above. */
export function openAIRequestToAnthropic(
  req: Body<ChatCompletionRequest>,
  opts: ToAnthropicOptions = {},
): AnthropicMessagesRequest {
  return renderAnthropicRequest(parseOpenAIRequest(req, opts.ignoreFields), opts);
}

/** chat.completion → Anthropic Message. Throws UpstreamFormatError (502) on a malformed body. */
export function openAIResponseToAnthropic(res: Body<ChatCompletion>, ctx: ResponseOptions = {}): AnthropicMessage {
  return renderAnthropicResponse(parseOpenAIResponse(res, ctx.stopSequences), ctx);
}

/** Anthropic Message → chat.completion. Throws UpstreamFormatError (502) on a malformed body. */
export function anthropicResponseToOpenAI(res: Body<AnthropicMessage>, ctx: ResponseOptions = {}): ChatCompletion {
  return renderOpenAIResponse(parseAnthropicResponse(res), ctx);
}

/** A non-streaming response body of either shape as IR. Throws UpstreamFormatError (502) on a malformed body. */
export function parseResponse(shape: WireFormat, res: unknown, stopSequences: readonly string[] = []): IrResponse {
  switch (shape) {
    case "openai":
      return parseOpenAIResponse(res, stopSequences);
    case "anthropic":
      return parseAnthropicResponse(res);
    case "responses":
      return parseResponsesResponse(res);
    default: {
      const never: never = shape;
      throw new TypeError(`unknown wire format ${String(never)}`);
    }
  }
}

/** IR as a non-streaming response body of either shape. */
export function renderResponse(shape: WireFormat, ir: IrResponse, ctx: ResponseOptions = {}): AnthropicMessage | ChatCompletion | Record<string, unknown> {
  switch (shape) {
    case "openai":
      return renderOpenAIResponse(ir, ctx);
    case "anthropic":
      return renderAnthropicResponse(ir, ctx);
    case "responses":
      return renderResponsesObject(ir, responsesRenderOptions(ctx));
    default: {
      const never: never = shape;
      throw new TypeError(`unknown wire format ${String(never)}`);
    }
  }
}

/** Normalized usage of a non-streaming response body of either shape (zeros if absent). */
export function responseUsage(shape: WireFormat, res: unknown): TokenUsage {
  const usage = isRecord(res) ? res["usage"] : undefined;
  if (!isRecord(usage)) return zeroUsage();
  switch (shape) {
    case "openai":
      return usageFromOpenAI(usage);
    case "anthropic":
      return usageFromAnthropic(usage);
    case "responses":
      return usageFromResponses(usage);
    default: {
      const never: never = shape;
      throw new TypeError(`unknown wire format ${String(never)}`);
    }
  }
}
