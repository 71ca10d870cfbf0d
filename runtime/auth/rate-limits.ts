// Rate limits at the edge, on the Workers Rate Limiting bindings of wrangler.toml: failed
// authentications per client address (a flood of guessed or revoked keys), and requests per
// standard key (a hostile end user). Master keys are the tenant's own servers: their volume
// is the tenant's business and is billed to it, so they are not limited per key.
import { ApiError } from "../errors";
import type { KeyRecord } from "../db/api-keys";
import { TtlCache } from "./ttl-cache";

/** The `period` of both bindings in wrangler.toml, sent as Retry-After. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Addresses whose failures met the limit, refused before any key lookup until the period
 * is over. The binding only counts (it has no "peek"), so each isolate remembers the
 * addresses it saw go over; another isolate learns at that address's next failure there.
 */
const blocked = new TtlCache<true>(RATE_LIMIT_PERIOD_SECONDS * 1000, 10_000);

/**
 * The client's address as Cloudflare reports it (set on every request that reaches a
 * deployed Worker or `wrangler dev`; clients cannot forge it). Absent only in-process
 * (tests calling the Worker directly), where nothing is limited per address.
 */
export function clientAddress(req: Request): string | null {
  return req.headers.get("cf-connecting-ip");
}

export function rateLimited(what: string): ApiError {
  return new ApiError("rate_limited", `${what}; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds`, {
    extra: { retry_after_seconds: RATE_LIMIT_PERIOD_SECONDS },
  });
}

const tooManyFailures = () => rateLimited("too many failed authentications from this address");

/** Refuses an address that recently went over its failure limit, before any lookup. */
export function refuseBlockedAddress(address: string | null): void {
  if (address !== null && blocked.has(address)) throw tooManyFailures();
}

/**
 * Counts a failed authentication against the address; when that meets the limit, the
 * failure is answered 429 instead of 401 and the address is refused for the period.
 * A Worker without the binding (a Miniflare set up by hand) limits nothing.
 */
export async function countFailure(env: Env, address: string | null): Promise<ApiError | null> {
  const limiter: RateLimit | undefined = env.AUTH_FAILURE_LIMITER;
  if (address === null || !limiter) return null;
  if ((await limiter.limit({ key: address })).success) return null;
  blocked.set(address, true);
  return tooManyFailures();
}

/** Counts a request against its standard key; refuses it when the key is over its limit. */
export async function countKeyRequest(env: Env, key: KeyRecord): Promise<void> {
  const limiter: RateLimit | undefined = env.KEY_RATE_LIMITER;
  if (key.scope === "master" || !limiter) return;
  if (!(await limiter.limit({ key: key.id })).success) throw rateLimited("too many requests on this key");
}
