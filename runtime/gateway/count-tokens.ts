// POST /v1/messages/count_tokens: Claude Code asks before long turns. Exact where Anthropic
// serves the model (its own count_tokens, sent the caller's bytes), an estimate labelled as one
// everywhere else. Not billed — Anthropic does not bill it — but only for a valid key (the route
// is authenticated) and nothing is held: no generation happens.
import { configOf, numberVar } from "../config";
import { parseUpstreamError, renderErrorBody } from "../translate";
import type { GatewayRequest } from "./proxy";
import { spliceJson } from "./json-splice";
import { resolveModel, type Candidate } from "./resolve-model";
import { hasCredentials, upstreamTarget } from "./upstream-target";

const JSON_TYPE = "application/json";
const TIMEOUT_MS = 30_000;
/**
 * The estimate: one token per 4 bytes of what the model reads (messages, system, tools),
 * the usual English average of BPE tokenizers; code and non-Latin text take more tokens per
 * byte, base64 media far fewer. It is labelled `estimate`, never passed off as a count.
 */
const BYTES_PER_TOKEN = 4;

export type TokenCountMethod = "exact" | "estimate";

/** Counts the request's input tokens with the first candidate that can, else estimates. */
export async function countTokens(request: GatewayRequest): Promise<Response> {
  const { ctx, body } = request;
  const candidates = resolveModel(String(body.model), configOf(ctx.env).unlistedRoutes);
  const exact = candidates.find((c) => c.provider.transport === "http" && c.provider.formats.includes("anthropic") && hasCredentials(ctx.env, c.provider));
  if (exact) {
    const counted = await countUpstream(request, exact);
    if (counted) return counted;
  }
  const provider = (exact ?? candidates[0])?.provider.id ?? "none";
  return reply({ input_tokens: estimateTokens(body) }, "estimate", provider);
}

/** Anthropic's count for this body, or undefined when it could not answer (then the estimate serves). */
async function countUpstream(request: GatewayRequest, c: Candidate): Promise<Response | undefined> {
  const { ctx, body } = request;
  const desired = { ...body, model: c.model };
  const payload = request.raw ? spliceJson(request.raw, body, desired) : JSON.stringify(desired);
  const meta = { tenant: request.key.tenant_id, key: request.key.id, model: String(body.model), surface: request.surface };
  const target = upstreamTarget(ctx.env, c.provider, "anthropic", meta, { in: 0, out: 0 }, ctx.req.headers);
  let res: Response;
  try {
    res = await fetch(`${target.url}/count_tokens`, { method: "POST", headers: target.headers, body: payload, signal: AbortSignal.timeout(numberVar(ctx.env, "UPSTREAM_TIMEOUT_MS", TIMEOUT_MS)) });
  } catch (e) {
    console.error(`gatehouse ${ctx.requestId}: count_tokens at ${c.provider.id} failed: ${(e as Error).message}`);
    return undefined;
  }
  const text = await res.text();
  if (res.ok) {
    let count: unknown;
    try {
      count = JSON.parse(text);
    } catch {
      count = undefined;
    }
    const tokens = (count as { input_tokens?: unknown } | undefined)?.input_tokens;
    if (typeof tokens === "number") return reply(count as Record<string, unknown>, "exact", c.provider.id);
    return undefined;
  }
  // The operator's key refused, or the provider busy: the client cannot fix that; estimate.
  if (res.status === 401 || res.status === 403 || res.status === 408 || res.status === 429 || res.status >= 500) {
    console.error(`gatehouse ${ctx.requestId}: count_tokens at ${c.provider.id}: HTTP ${res.status}`);
    return undefined;
  }
  // The provider refused the request itself (a 400 naming a field): the caller's to fix.
  const error = parseUpstreamError("anthropic", res.status, text);
  return new Response(renderErrorBody("anthropic", error), { status: res.status, headers: { "content-type": JSON_TYPE, "x-qlaud-provider": c.provider.id } });
}

/** Tokens for what the model reads: messages, system and tools, at BYTES_PER_TOKEN. */
export function estimateTokens(body: Record<string, unknown>): number {
  const read = JSON.stringify([body.messages ?? null, body.system ?? null, body.tools ?? null]);
  return Math.max(1, Math.ceil(new TextEncoder().encode(read).length / BYTES_PER_TOKEN));
}

function reply(body: Record<string, unknown>, method: TokenCountMethod, provider: string): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": JSON_TYPE, "x-qlaud-token-count": method, "x-qlaud-provider": provider } });
}
