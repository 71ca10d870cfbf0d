// What is sent to one candidate, and how its answer is read: the body in the provider's
// native format (translated when the caller speaks the other), limited to what the plan holds.
import type { WireFormat } from "../../generated/providers/catalog";
import { anthropicRequestToOpenAI, openAIRequestToAnthropic, type ResponseOptions } from "../translate";
import { inputItems, responsesRequestAs } from "../translate/responses";
import type { CompletionRequest, UpstreamPlan } from "./meter";
import type { Candidate } from "./resolve-model";
import { spliceJson } from "./json-splice";
import { limitUpstream } from "./upstream-limits";

/**
 * What goes to one candidate: the body as an object (the mock and the AI binding take it so)
 * and, on same-shape pass-through of a body read from the wire, the bytes to send instead of
 * a re-serialization: the caller's own, with only the values Gatehouse changed spliced in.
 */
export interface UpstreamBody {
  json: Record<string, unknown>;
  bytes?: Uint8Array;
}

/** The format a candidate is spoken to in: the caller's when the provider speaks it (no translation), else its first. */
export function nativeFormat(c: Candidate, surface: WireFormat): WireFormat {
  return c.provider.formats.includes(surface) ? surface : (c.provider.formats[0] as WireFormat);
}

/** The native-shape body for one candidate, limited to what its plan holds (upstream-limits.ts). */
export function buildUpstreamBody(request: CompletionRequest, native: WireFormat, c: Candidate, plan: UpstreamPlan): UpstreamBody {
  const { surface, body } = request;
  const model = c.model;
  const limit = (out: Record<string, unknown>) => limitUpstream(out, native, plan.outputLimit, c.provider, c.price.max_output_tokens);
  if (surface === native) {
    const out: Record<string, unknown> = { ...body, model };
    // Usage in OpenAI streams only comes when asked for; we always need it to bill.
    if (native === "openai" && body.stream === true) {
      const asked = body.stream_options as Record<string, unknown> | null | undefined;
      // Already asked for: the same object, so the bytes stay as sent.
      if (asked?.include_usage !== true) out.stream_options = { ...asked, include_usage: true };
    }
    const json = limit(out);
    return request.raw === undefined ? { json } : { json, bytes: spliceJson(request.raw, body, json) };
  }
  return { json: limit({ ...translate(surface, native, body, c), model }) };
}

/** The caller's body in another format. A provider lists `responses` after its first format, so only the Responses surface is ever spoken to in it. */
function translate(surface: WireFormat, native: WireFormat, body: Record<string, unknown>, c: Candidate): Record<string, unknown> {
  const maxTokensField = c.provider.max_tokens_field;
  if (surface === "responses") return responsesRequestAs(native, body, inputItems(body.input), { maxTokensField });
  switch (native) {
    case "openai":
      return anthropicRequestToOpenAI(body, { model: c.model, maxTokensField }) as unknown as Record<string, unknown>;
    case "anthropic":
      return openAIRequestToAnthropic(body, { model: c.model }) as unknown as Record<string, unknown>;
    case "responses":
      throw new TypeError(`${c.provider.id} lists the responses format first; only the Responses surface speaks it`);
    default: {
      const never: never = native;
      throw new TypeError(`unknown wire format ${String(never)}`);
    }
  }
}

/**
 * How answers are read and rendered for this request: the model as the caller named it, its
 * stop sequences (an OpenAI `stop` finish names the one that matched), and whether an OpenAI
 * client gets the final usage chunk (`choices: []`) — only when it asked, as OpenAI does;
 * Gatehouse always asks upstream for it, to bill.
 */
export function responseOptions(request: CompletionRequest): ResponseOptions {
  const { surface, body } = request;
  const includeUsage = surface !== "openai" || (body.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
  return { model: String(body.model), stopSequences: stopSequencesOf(surface, body), includeUsage };
}

function stopSequencesOf(surface: WireFormat, body: Record<string, unknown>): string[] {
  const v = surface === "anthropic" ? body.stop_sequences : body.stop;
  return typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}
