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
  const hash = await hashSecret(secret);
  if (!opts.fresh) {
    const cached = await env.KEY_CACHE.get<KeyRecord>(cacheKey(hash), "json");
    if (cached) return cached;
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
  ctx.waitUntil(
    Promise.all([
      env.KEY_CACHE.put(cacheKey(hash), JSON.stringify(record), { expirationTtl: KEY_CACHE_TTL_SECONDS }),
      // At most once per cache period per key: cheap enough to keep last_used_at useful.
      env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").bind(Date.now(), row.id).run(),
    ]),
  );
  return record;
}

/** Drops a key's cache entry (after revoke or a cap/name change). */
export async function forgetKey(env: Env, hash: string): Promise<void> {
  await env.KEY_CACHE.delete(cacheKey(hash));
}

export type { KeyRow };
