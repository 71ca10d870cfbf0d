// The worst case of a request: an upper bound of what the provider can bill for it, read from
// the body with the field table (request-cost-fields.ts), per candidate provider. meter.ts
// holds the largest candidate's bound before forwarding, and forwards an output limit that
// keeps the actual cost within what was held. The rules are listed in README.md.
import type { ModelPrice, WireFormat } from "../../generated/providers/catalog";
import { badRequest } from "../errors";
import { isRecord } from "../translate/json";
import type { TokenUsage } from "../translate";
import { boundMicros, costMicros, inputTokenBound, type BillingTerms, type CacheWrites, type ServerToolTerms, type ServiceTier } from "./pricing";
import { CLIENT_TOOL_TYPES, contentParts, requestFields, type FieldTable } from "./request-cost-fields";
import type { Candidate } from "./resolve-model";

/** With no output limit from the client, the least a request must be able to pay for: a short reply. */
export const SHORT_REPLY_TOKENS = 1024;
/** Context window of a model the catalog gives none: the largest window of any catalog model. */
const UNKNOWN_CONTEXT_TOKENS = 2_000_000;

/** What the body says about cost, before any candidate is known. */
export interface RequestShape {
  /** The largest output-limit field present; undefined when the client set none. */
  outputLimit: number | undefined;
  choices: number;
  tier: ServiceTier | "unknown";
  /** Media, files, URLs, provider-run tools or unsized content: the input is the whole context window. */
  wholeContext: boolean;
  /** A field not in the table: everything at its dearest (input, output, tier, cache writes). */
  unknownFields: string[];
  cacheWrites: CacheWrites;
  /** Provider-run tools the request switches on: type → its max_uses when given. */
  serverTools: Map<string, number | undefined>;
  /** Typed tool definitions that are neither the caller's functions nor provider-run (bash, computer, …). */
  builtinTools: boolean;
  fallbackModels: string[];
  /** Predicted output: billed on top of the reply, at most its bytes. */
  predictionTokens: number;
}

/** One candidate's bound: what it is priced on and the most it may write. */
export interface CandidatePlan {
  candidate: Candidate;
  /** The candidate's price, or the dearest model of an OpenRouter fallback list. */
  price: ModelPrice;
  /** Fallback-list models by id, to bill the one that answered. */
  fallbackPrices: ReadonlyMap<string, ModelPrice>;
  terms: BillingTerms;
  inputTokens: number;
  cacheWrites: CacheWrites;
  choices: number;
  extraOutputTokens: number;
  /** The most one choice may write: the client's largest limit (or, pessimistically, the model's), never above the model's maximum. */
  outputCap: number;
}

/** Reads the body through the field table. */
export function readRequestShape(surface: WireFormat, body: Record<string, unknown>, bodyBytes: number): RequestShape {
  const table: FieldTable = requestFields[surface];
  const shape: RequestShape = {
    outputLimit: undefined, choices: 1, tier: "standard", wholeContext: false, unknownFields: [], cacheWrites: "none",
    serverTools: new Map(), builtinTools: false, fallbackModels: [], predictionTokens: 0,
  };
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    const rule = Object.hasOwn(table, field) ? table[field] : undefined;
    if (!rule) {
      shape.unknownFields.push(field);
      continue;
    }
    switch (rule.effect) {
      case "neutral":
        break;
      case "output_limit":
        if (typeof value === "number" && Number.isFinite(value)) shape.outputLimit = Math.max(shape.outputLimit ?? 0, Math.ceil(value));
        break;
      case "choices":
        // Reserved at what was asked, however large (OpenAI refuses n > 128 at no cost; a host
        // that takes more generates that many): capping it here would let the rest through unheld.
        if (typeof value === "number" && !Number.isNaN(value)) shape.choices = Math.max(1, Math.ceil(value));
        break;
      case "service_tier":
        shape.tier = tierOf(value);
        break;
      case "content":
        scanContent(value, shape);
        break;
      case "tools":
        scanTools(value, shape);
        break;
      case "server_tool":
        shape.serverTools.set(rule.type, undefined);
        shape.wholeContext = true;
        break;
      case "fallback_models":
        if (Array.isArray(value)) shape.fallbackModels = value.map((m, i) => (typeof m === "string" ? m : String(badModel(i))));
        break;
      case "prediction":
        shape.predictionTokens = inputTokenBound(bodyBytes);
        break;
      case "whole_context":
        shape.wholeContext = true;
        break;
      default: {
        const never: never = rule;
        throw new Error(`unhandled field rule ${JSON.stringify(never)}`);
      }
    }
  }
  return shape;
}

/** OpenAI `auto`/`default` follow the project's setting, assumed standard (see README); `flex` and `scale` cost no more. */
function tierOf(value: unknown): ServiceTier | "unknown" {
  if (value === "priority") return "priority";
  return typeof value === "string" && ["auto", "default", "flex", "scale", "standard_only"].includes(value) ? "standard" : "unknown";
}

function badModel(i: number): never {
  throw badRequest(`models[${i}] must be a model id string`, `models[${i}]`);
}

/** Walks content for media, files, URLs (whole context) and cache_control (cache-write prices). */
function scanContent(value: unknown, shape: RequestShape): void {
  if (Array.isArray(value)) {
    for (const v of value) scanContent(v, shape);
    return;
  }
  if (!isRecord(value)) return;
  const type = value["type"];
  if (typeof type === "string" && (!Object.hasOwn(contentParts, type) || contentParts[type] === "media")) shape.wholeContext = true;
  const cache = value["cache_control"];
  if (isRecord(cache)) shape.cacheWrites = cache["ttl"] === "1h" || shape.cacheWrites === "1h" ? "1h" : "5m";
  for (const [k, v] of Object.entries(value)) if (k !== "cache_control" && typeof v === "object") scanContent(v, shape);
}

/** Tool definitions: provider-run ones (by type without its date suffix) and cache_control on them. */
function scanTools(value: unknown, shape: RequestShape): void {
  if (!Array.isArray(value)) return;
  for (const tool of value) {
    if (!isRecord(tool)) continue;
    if (isRecord(tool["cache_control"])) shape.cacheWrites = tool["cache_control"]["ttl"] === "1h" || shape.cacheWrites === "1h" ? "1h" : "5m";
    const type = tool["type"];
    if (typeof type !== "string" || CLIENT_TOOL_TYPES.has(type)) continue;
    const maxUses = tool["max_uses"];
    shape.serverTools.set(toolKind(type), typeof maxUses === "number" && Number.isInteger(maxUses) && maxUses > 0 ? maxUses : undefined);
    shape.wholeContext = true;
  }
}

/** `web_search_20250305` → `web_search`: the catalog names server tools without their version. */
export function toolKind(type: string): string {
  return type.replace(/_\d{8}$/, "");
}

/** The bound of one candidate: its price (dearest fallback), terms, input and output caps. */
export function planCandidate(shape: RequestShape, bodyBytes: number, c: Candidate): CandidatePlan {
  const fallbackPrices = new Map<string, ModelPrice>();
  for (const [i, id] of shape.fallbackModels.entries()) {
    const p = Object.hasOwn(c.provider.models, id) ? c.provider.models[id] : undefined;
    // Only a model the catalog prices can be held for (see README, "OpenRouter fallback lists").
    if (!p) throw badRequest(`models[${i}] "${id}" is not a ${c.provider.id} model in this gateway's catalog: list only models GET /v1/models shows as ${c.provider.id}/<model>`, `models[${i}]`);
    fallbackPrices.set(id, p);
  }
  const price = [c.price, ...fallbackPrices.values()].reduce((a, b) => (dearer(b, a) ? b : a));
  const pessimistic = shape.unknownFields.length > 0;
  const context = price.context_window ?? UNKNOWN_CONTEXT_TOKENS;
  const tools: ServerToolTerms[] = [];
  for (const [type, maxUses] of shape.serverTools) {
    const fee = Object.hasOwn(c.provider.server_tools, type) ? c.provider.server_tools[type] : undefined;
    if (fee) tools.push({ type, microsPerUse: fee.micros_per_use, maxUses: maxUses ?? fee.default_max_uses, reported: c.provider.formats.includes("anthropic") });
  }
  // A provider-run tool loops: each use can feed up to a whole context back in (see README).
  const turns = 1 + tools.reduce((n, t) => n + t.maxUses, 0);
  const maxOut = price.max_output_tokens;
  return {
    candidate: c,
    price,
    fallbackPrices,
    terms: { tier: pessimistic || shape.tier === "unknown" ? "priority" : shape.tier, serverTools: tools },
    inputTokens: pessimistic || shape.wholeContext ? context * turns : Math.min(inputTokenBound(bodyBytes), context),
    cacheWrites: pessimistic ? "1h" : shape.cacheWrites,
    choices: shape.choices,
    extraOutputTokens: shape.predictionTokens,
    outputCap: pessimistic ? maxOut : Math.min(shape.outputLimit ?? maxOut, maxOut),
  };
}

/** Dearer by the bound of one token in and one out (input and output both count). */
function dearer(a: ModelPrice, b: ModelPrice): boolean {
  const w = (p: ModelPrice) => Math.max(p.input_micros_per_mtok, p.priority?.input_micros_per_mtok ?? 0) + Math.max(p.output_micros_per_mtok, p.priority?.output_micros_per_mtok ?? 0);
  return w(a) > w(b) || (w(a) === w(b) && a.context_window !== null && (b.context_window === null || a.context_window > b.context_window));
}

/** The most this candidate can cost when each choice may write `outputPerChoice` tokens. */
export function planMicros(plan: CandidatePlan, outputPerChoice: number): number {
  const micros = boundMicros(plan.inputTokens, outputPerChoice * plan.choices + plan.extraOutputTokens, plan.cacheWrites, plan.price, plan.terms);
  // An absurd `n` or limit saturates (no wallet holds 2^53 µ$, so it is a 402), never NaN or Infinity.
  return Number.isFinite(micros) ? Math.min(micros, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

/** The least a request without an output limit must be able to pay with this candidate: a short reply. */
export function shortReplyMicros(plan: CandidatePlan): number {
  return planMicros(plan, Math.min(SHORT_REPLY_TOKENS, plan.outputCap));
}

/** The largest output per choice (≤ outputCap) whose bound fits in `heldMicros`; 0 when none does. */
export function affordableOutput(plan: CandidatePlan, heldMicros: number): number {
  let lo = 0;
  let hi = plan.outputCap;
  if (planMicros(plan, hi) <= heldMicros) return hi;
  // The bound grows with output: binary search for the last limit that fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (planMicros(plan, mid) <= heldMicros) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * What the request is billed: the usage at the candidate's terms, and — when an OpenRouter
 * fallback list was sent and the response names the model that answered — at that model's
 * price (a stream, which does not say, is billed at the dearest listed, the price held).
 */
export function billedMicros(plan: CandidatePlan, usage: TokenUsage, response?: unknown): number {
  const answered = isRecord(response) && typeof response["model"] === "string" ? plan.fallbackPrices.get(response["model"]) : undefined;
  const price = answered ?? (plan.fallbackPrices.size > 0 ? plan.price : plan.candidate.price);
  return costMicros(usage, price, plan.terms);
}
