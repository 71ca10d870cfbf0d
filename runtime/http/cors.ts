// CORS per tenant: a browser app may call Gatehouse with an end user's key, from the origins
// its tenant lists (PUT /v1/cors). A preflight carries no key, so it is answered for an origin
// any tenant allows; the real answer carries Access-Control-Allow-Origin only when the key's
// own tenant allows the origin — a browser reads nothing the tenant did not allow.
import { anyTenantAllowsOrigin, listTenantOrigins } from "../db/tenant-origins";

/** What a browser may read besides the CORS-safelisted headers (gateway and usage figures). */
const EXPOSED = ["x-qlaud-request-id", "x-qlaud-provider", "x-qlaud-cost-micros", "x-qlaud-token-count", "server-timing", "retry-after", "request-id"];
const METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
/** How long a browser may reuse a preflight answer: short, so a removed origin stops soon. */
const PREFLIGHT_MAX_AGE_S = 600;
/** How long an isolate reuses a tenant's list (a change reaches every isolate within this). */
const CACHE_MS = 30_000;
const MAX_ORIGINS = 100;

/**
 * An origin as browsers send it (`https://app.example.com`, `http://localhost:5173`): scheme,
 * host and port only. Returns it, or why it is not one.
 */
export function checkOrigin(value: string): { origin: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: "is not a URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { error: "must be http(s)" };
  if (url.origin !== value) return { error: `must be an origin only (scheme://host[:port], no path or trailing slash): ${url.origin}` };
  return { origin: url.origin };
}

/** Validates a whole list (at most MAX_ORIGINS); the first bad entry's index and reason, or the deduplicated list. */
export function checkOrigins(values: readonly string[]): { origins: string[] } | { index: number; error: string } {
  if (values.length > MAX_ORIGINS) return { index: MAX_ORIGINS, error: `at most ${MAX_ORIGINS} origins` };
  const out = new Set<string>();
  for (const [i, v] of values.entries()) {
    const checked = checkOrigin(v);
    if ("error" in checked) return { index: i, error: checked.error };
    out.add(checked.origin);
  }
  return { origins: [...out].sort() };
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method): allowed or a bare 204. */
export function preflightResponse(origin: string | null, allowed: boolean, requestHeaders: string | null): Response {
  const headers = new Headers({ vary: "Origin" });
  if (origin !== null && allowed) {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-allow-methods", METHODS);
    // The SDKs send their own headers (x-stainless-*, anthropic-version, anthropic-beta, …): echo what was asked.
    if (requestHeaders) headers.set("access-control-allow-headers", requestHeaders);
    headers.set("access-control-max-age", String(PREFLIGHT_MAX_AGE_S));
  }
  return new Response(null, { status: 204, headers });
}

/** `res` with the CORS headers for `origin` (the response's headers must be mutable). */
export function addCorsHeaders(res: Response, origin: string): void {
  res.headers.set("access-control-allow-origin", origin);
  res.headers.set("access-control-expose-headers", EXPOSED.join(", "));
  res.headers.append("vary", "Origin");
}

const cache = new Map<string, { origins: ReadonlySet<string>; until: number }>();

/** Whether `tenantId` allows `origin` (its list cached per isolate for CACHE_MS). */
export async function tenantAllowsOrigin(env: Env, tenantId: string, origin: string): Promise<boolean> {
  const now = Date.now();
  let hit = cache.get(tenantId);
  if (!hit || hit.until < now) {
    hit = { origins: new Set(await listTenantOrigins(env.DB, tenantId)), until: now + CACHE_MS };
    if (cache.size > 10_000) cache.clear();
    cache.set(tenantId, hit);
  }
  return hit.origins.has(origin);
}

/** Forgets this isolate's copy of a tenant's list (after it changed here). */
export function forgetTenantOrigins(tenantId: string): void {
  cache.delete(tenantId);
}

/** Answers a preflight: allowed when any tenant lists the origin (no key to name one). */
export async function answerPreflight(req: Request, env: Env): Promise<Response> {
  const origin = req.headers.get("origin");
  const allowed = origin !== null && "origin" in checkOrigin(origin) && (await anyTenantAllowsOrigin(env.DB, origin));
  return preflightResponse(origin, allowed, req.headers.get("access-control-request-headers"));
}
