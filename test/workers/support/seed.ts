import { env } from "cloudflare:test";
import { newId, newSecret } from "../../../runtime/auth/key-material";
import { insertTenantWithMasterKey } from "../../../runtime/db/tenants";
import { newTenant } from "../../../runtime/keys/tenant-creation";
import { walletFor } from "../../../runtime/wallet/stub";

export interface SeededTenant {
  tenantId: string;
  masterKey: string;
  masterKeyId: string;
}

/**
 * Creates a tenant with its master key the way every tenant is made (keys/tenant-creation.ts),
 * straight in D1, then credits its wallet (ref `seed:<tenant>`) when asked.
 */
export async function seedTenant(opts: { creditMicros?: number; tenantId?: string } = {}): Promise<SeededTenant> {
  const tenantId = opts.tenantId ?? newId("tn").toLowerCase();
  const secret = newSecret("test");
  const { tenant, master } = newTenant({ id: tenantId, name: `tenant ${tenantId}`, secret, nowMs: Date.now() });
  if ((await insertTenantWithMasterKey(env.DB, tenant, master)) === "exists") throw new Error(`tenant ${tenantId} is already seeded`);
  if (opts.creditMicros) await walletFor(env.WALLET, tenantId).credit(opts.creditMicros, `seed:${tenantId}`);
  return { tenantId, masterKey: secret, masterKeyId: master.id };
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
