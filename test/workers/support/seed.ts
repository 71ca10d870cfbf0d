import { env } from "cloudflare:test";
import { hashSecret, newId, newSecret, secretPrefix } from "../../../runtime/auth/key-material";
import { walletFor } from "../../../runtime/wallet/stub";

export interface SeededTenant {
  tenantId: string;
  masterKey: string;
  masterKeyId: string;
}

/** Creates a tenant with a master key (and optional credit) straight in D1 and its wallet. */
export async function seedTenant(opts: { creditMicros?: number; tenantId?: string } = {}): Promise<SeededTenant> {
  const tenantId = opts.tenantId ?? newId("tn").toLowerCase();
  const secret = newSecret("test");
  const keyId = newId("key");
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)").bind(tenantId, `tenant ${tenantId}`, now),
    env.DB.prepare(
      "INSERT INTO api_keys (id, tenant_id, hash, prefix, name, scope, created_at) VALUES (?, ?, ?, ?, 'master', 'master', ?)",
    ).bind(keyId, tenantId, await hashSecret(secret), secretPrefix(secret), now),
  ]);
  if (opts.creditMicros) await walletFor(env.WALLET, tenantId).credit(opts.creditMicros, `seed:${tenantId}`);
  return { tenantId, masterKey: secret, masterKeyId: keyId };
}

export const BASE = "http://gatehouse.test";

/** SELF.fetch with a key and an optional JSON body. */
export function call(method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers, ...(key ? { "x-api-key": key } : {}) } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  return SELF_fetch(`${BASE}${path}`, init);
}

import { SELF } from "cloudflare:test";
const SELF_fetch = (url: string, init: RequestInit) => SELF.fetch(url, init);
