// Money around one LLM call, in one place: hold the worst case before anything is sent
// (billing.ts reserve, through the isolate's lease), then settle exactly once — at what the
// upstream consumed, at the hold when that cannot be known, or at nothing when no provider
// took the request. The invocation is kept alive (waitUntil) until it is settled, also after
// the client hung up (README "Work that goes unbilled").
import type { KeyRecord } from "../auth/key-store";
import { configOf } from "../config";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { noteCall } from "../requests/observation";
import type { TokenUsage, WireFormat } from "../translate";
import { zeroUsage } from "../translate";
import { reserve, settle, type UsageRecord } from "./billing";
import { resolveModel, type Candidate } from "./resolve-model";
import { affordableOutput, billedMicros, planCandidate, planMicros, readRequestShape, shortReplyMicros, type CandidatePlan } from "./worst-case";

/** What complete() is asked: a body in the caller's wire format, and whose key pays. */
export interface CompletionRequest {
  surface: WireFormat;
  body: Record<string, unknown>;
  /** The raw body's byte length as read (not re-serialized): the input bound is built on it. */
  bodyBytes: number;
  /**
   * The bytes `body` was parsed from, when it came over the wire: same-shape pass-through sends
   * them with only Gatehouse's changes spliced in (json-splice.ts). Omit it when `body` was rewritten.
   */
  raw?: Uint8Array;
  key: KeyRecord;
}

/** A candidate's bound and the output limit forwarded to it (what the held amount can pay). */
export type UpstreamPlan = CandidatePlan & { outputLimit: number };

/** What a settled call was billed. `outcome`: ok, client_disconnected, upstream_error, relay_failed, no_provider, … */
export interface Billed {
  usage: TokenUsage;
  costMicros: number;
  outcome: string;
}

export interface Meter {
  /** The providers to try, in order. */
  readonly candidates: readonly Candidate[];
  /** What is held: charged when an upstream accepted the request but its usage cannot be known. */
  readonly heldMicros: number;
  plan(c: Candidate): UpstreamPlan;
  /** Settles at what `c` consumed (`answer`: the upstream's body, for the model an OpenRouter list used); returns the cost. */
  bill(c: Candidate, usage: TokenUsage, outcome: string, answer?: unknown): number;
  /** Settles at the hold: `c` accepted the request and what it consumed is unknown. */
  chargeHold(c: Candidate, outcome: string): void;
  /** Settles at nothing: no provider took the request, or `c` refused it (an error status: it did no work). */
  nothing(outcome: string, c?: Candidate): void;
  /** Resolves once settled (whichever call came first; later ones are ignored). */
  readonly billed: Promise<Billed>;
}

/** Resolves the model and holds the worst case (402 before anything is sent when it cannot be covered). */
export async function holdWorstCase(request: CompletionRequest, ctx: RequestContext): Promise<Meter> {
  const { body, key } = request;
  const model = String(body.model);
  const candidates = resolveModel(model, configOf(ctx.env).unlistedRoutes);
  const shape = readRequestShape(request.surface, body, request.bodyBytes);
  const bounds = candidates.map((c) => planCandidate(shape, request.bodyBytes, c));
  // Any candidate may end up serving the request (fallback): hold the dearest one's worst case.
  const worst = Math.max(...bounds.map((p) => planMicros(p, p.outputCap)));
  // No limit from the client: hold what the budget allows down to a short reply, and forward
  // the limit that amount pays for (see README, "No output limit").
  const least = shape.outputLimit === undefined ? Math.max(...bounds.map(shortReplyMicros)) : worst;
  const hold = await reserve(ctx.env, key, ctx.requestId, worst, ctx.exec, { minMicros: least });
  // The request log (runtime/requests/) waits for this call's settlement: its cost and overshoot.
  const noteSettled = noteCall(ctx.req, hold.worstMicros);
  // Never forward more than the client asked for: a pessimistic bound (unknown fields hold the
  // model's maximum) must not raise the limit the client set, or it would pay for a longer reply.
  const asked = shape.outputLimit ?? Number.POSITIVE_INFINITY;
  const plans = new Map(bounds.map((p) => [p.candidate, { ...p, outputLimit: Math.min(affordableOutput(p, hold.worstMicros), asked) }]));

  let resolveBilled: (b: Billed) => void = () => {};
  const billed = new Promise<Billed>((r) => (resolveBilled = r));
  // The invocation lives until the call is settled (a hang-up must not end it first).
  ctx.exec.waitUntil(billed.then(() => {}));
  let settled = false;
  const finish = (micros: number, usage: TokenUsage, provider: string, outcome: string): void => {
    if (settled) return;
    settled = true;
    const flushing = settle(ctx.env, key, hold, micros, usageRecord(request, provider, usage, outcome));
    if (flushing) ctx.exec.waitUntil(flushing);
    resolveBilled({ usage, costMicros: micros, outcome });
    noteSettled({ provider, costMicros: micros, outcome });
  };
  const plan = (c: Candidate): UpstreamPlan => {
    const p = plans.get(c);
    if (!p) throw new ApiError("internal", `no worst case was planned for ${c.provider.id}/${c.model}`);
    return p;
  };
  return {
    candidates,
    heldMicros: hold.worstMicros,
    plan,
    bill(c, usage, outcome, answer) {
      const cost = billedMicros(plan(c), usage, answer);
      finish(cost, usage, c.provider.id, outcome);
      return cost;
    },
    chargeHold: (c, outcome) => finish(hold.worstMicros, zeroUsage(), c.provider.id, outcome),
    nothing: (outcome, c) => finish(0, zeroUsage(), c?.provider.id ?? "none", outcome),
    billed,
  };
}

function usageRecord(request: CompletionRequest, provider: string, u: TokenUsage, outcome: string): UsageRecord {
  return {
    model: String(request.body.model),
    provider,
    // usage_events.surface holds the two Chat-era names (its CHECK); the Responses API is OpenAI's.
    surface: request.surface === "responses" ? "openai" : request.surface,
    input_tokens: u.input_tokens + u.cache_creation_input_tokens,
    output_tokens: u.output_tokens,
    cached_tokens: u.cache_read_input_tokens,
    outcome,
  };
}
