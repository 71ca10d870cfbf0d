import { hashSecret } from "./key-material";

/** A key as the runtime needs it for authorisation (never the secret). */
export interface KeyRecord {
  id: string;
  tenant_id: string;
  scope: "master" | "standard";
  end_user_id: string | null;
  max_spend_micros: number | null;
}

interface KeyRow extends KeyRecord {
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
}

export const KEY_CACHE_TTL_SECONDS = 60;
const cacheKey = (hash: string) => `key:${hash}`;

/**
 * Resolves a secret to its key: KV cache (60 s) in front of D1, which stays the authority.
 * Revocation deletes the cache entry, so the next request goes to D1 and is refused.
 * `fresh` skips the cache: master-scope routes (minting and revoking keys) always ask D1,
 * so a revoked master key can do nothing even where another location's cache is stale.
 */
export async function findKeyBySecret(
  env: Env,
  ctx: ExecutionContext,
  secret: string,
  opts: { fresh?: boolean } = {},
): Promise<KeyRecord | null> {
  const hash = hashSecret(secret);
  if (!opts.fresh) {
    const local = isolateCache.get(hash);
    if (local && local.until > Date.now()) return local.record;
    const cached = await env.KEY_CACHE.get<KeyRecord>(cacheKey(hash), "json");
    if (cached) {
      remember(hash, cached);
      return cached;
    }
  }
  const row = await env.DB.prepare(
    "SELECT id, tenant_id, scope, end_user_id, max_spend_micros FROM api_keys WHERE hash = ? AND revoked_at IS NULL",
  )
    .bind(hash)
    .first<KeyRecord>();
  if (!row) return null;
  const record: KeyRecord = {
    id: row.id,
    tenant_id: row.tenant_id,
    scope: row.scope,
    end_user_id: row.end_user_id,
    max_spend_micros: row.max_spend_micros,
  };
  // Refresh KV and last_used_at at most once per cache period per isolate, also on the
  // fresh path of master routes (which skip the caches on purpose).
  const recentlySeen = (isolateCache.get(hash)?.until ?? 0) > Date.now();
  if (!recentlySeen) {
    ctx.waitUntil(
      Promise.all([
        env.KEY_CACHE.put(cacheKey(hash), JSON.stringify(record), { expirationTtl: KEY_CACHE_TTL_SECONDS }),
        env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").bind(Date.now(), row.id).run(),
      ]),
    );
  }
  remember(hash, record);
  return record;
}

/** Drops a key's cache entry (after revoke or a cap/name change). */
export async function forgetKey(env: Env, hash: string): Promise<void> {
  isolateCache.delete(hash);
  await env.KEY_CACHE.delete(cacheKey(hash));
}

/**
 * A per-isolate cache in front of KV, so a hot key costs no KV read. Short-lived: other
 * isolates learn of a revocation within ISOLATE_CACHE_MS on read-only routes; billable
 * routes are refused by the Wallet at once in the isolate that revoked the key and within
 * the lease re-check (2 s, gateway/leases.ts) elsewhere; master routes read D1 directly.
 */
const ISOLATE_CACHE_MS = 10_000;
const ISOLATE_CACHE_MAX = 10_000;
const isolateCache = new Map<string, { record: KeyRecord; until: number }>();

function remember(hash: string, record: KeyRecord): void {
  if (isolateCache.size >= ISOLATE_CACHE_MAX) isolateCache.clear();
  isolateCache.set(hash, { record, until: Date.now() + ISOLATE_CACHE_MS });
}

export type { KeyRow };
