import { reconcile } from "../keys/key-authority";
import { findActiveKeyByHash, touchLastUsed, writeKeyCopy, type KeyRecord } from "../db/api-keys";
import { walletFor } from "../wallet/stub";
import { hashSecret } from "./key-material";
import { TtlCache } from "./ttl-cache";

export type { KeyRecord };

export const KEY_CACHE_TTL_SECONDS = 60;
const cacheKey = (hash: string) => `key:${hash}`;

/**
 * A per-isolate cache in front of KV, so a hot key costs no KV read. Short-lived: other
 * isolates learn of a revocation within ISOLATE_CACHE_MS on read-only routes; billable
 * routes are refused by the Wallet at once in the isolate that revoked the key and within
 * the lease re-check (2 s, gateway/leases.ts) elsewhere; master routes read D1 directly.
 */
const ISOLATE_CACHE_MS = 10_000;
const known = new TtlCache<KeyRecord>(ISOLATE_CACHE_MS, 10_000);

/**
 * Hashes no key answers to (never issued, or revoked): a flood of one unknown key costs one
 * D1 read per isolate and minute instead of one per request. Safe to keep for a minute in
 * every path, master routes included: a hash that is unknown or revoked never becomes a
 * valid key (secrets are random and shown only once D1 holds them; revocation is final).
 */
const UNKNOWN_TTL_MS = 60_000;
const unknown = new TtlCache<true>(UNKNOWN_TTL_MS, 10_000);

/**
 * Resolves a secret to its key: KV cache (60 s) in front of D1, whose row is confirmed by
 * the tenant's Wallet (the authority for cap and revocation; see keys/key-authority.ts).
 * Revocation deletes the cache entry, so the next request goes to D1 and is refused.
 * `fresh` skips the caches of valid keys: master-scope routes (minting and revoking keys)
 * always ask D1 and the Wallet, so a revoked master key can do nothing even where another
 * location's cache is stale.
 */
export async function findKeyBySecret(
  env: Env,
  ctx: ExecutionContext,
  secret: string,
  opts: { fresh?: boolean } = {},
): Promise<KeyRecord | null> {
  const hash = hashSecret(secret);
  if (unknown.has(hash)) return null;
  if (!opts.fresh) {
    const local = known.get(hash);
    if (local) return local;
    const cached = await env.KEY_CACHE.get<KeyRecord>(cacheKey(hash), "json");
    if (cached) {
      known.set(hash, cached);
      return cached;
    }
  }
  const row = await findActiveKeyByHash(env.DB, hash);
  if (!row) {
    unknown.set(hash, true);
    return null;
  }
  // The D1 row is a copy: an edit that failed after writing the Wallet leaves it behind, and
  // the Wallet's word is the one that holds. One RPC per D1 read (a cache miss or a master route).
  const truth = reconcile({ max_spend_micros: row.max_spend_micros, revoked: false }, await walletFor(env.WALLET, row.tenant_id).keyState(row.id));
  if (truth.stale) ctx.waitUntil(writeKeyCopy(env.DB, row.tenant_id, row.id, truth).catch(() => undefined));
  if (truth.revoked) {
    unknown.set(hash, true);
    return null;
  }
  const record: KeyRecord = {
    id: row.id,
    tenant_id: row.tenant_id,
    scope: row.scope,
    end_user_id: row.end_user_id,
    max_spend_micros: truth.max_spend_micros,
  };
  // Refresh KV and last_used_at at most once per cache period per isolate, also on the
  // fresh path of master routes (which skip the caches on purpose).
  if (!known.has(hash)) {
    ctx.waitUntil(
      Promise.all([
        env.KEY_CACHE.put(cacheKey(hash), JSON.stringify(record), { expirationTtl: KEY_CACHE_TTL_SECONDS }),
        touchLastUsed(env.DB, row.tenant_id, row.id, Date.now()),
      ]),
    );
  }
  known.set(hash, record);
  return record;
}

/**
 * Drops a key's cache entries (after a revocation or a cap/name change). A revoked key is
 * refused from then on in this isolate without a D1 read.
 */
export async function forgetKey(env: Env, hash: string, opts: { revoked?: boolean } = {}): Promise<void> {
  known.delete(hash);
  if (opts.revoked) unknown.set(hash, true);
  await env.KEY_CACHE.delete(cacheKey(hash));
}
