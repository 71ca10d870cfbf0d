// The data layer's rule: every query takes the tenant, and another tenant's id finds, counts
// and changes nothing. Each function of runtime/db/ that takes a tenant is called here with a
// foreign tenant's id against real D1 rows of another tenant.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newSecret } from "../../runtime/auth/key-material";
import { findActiveKeyByHash, findTenantKey, listActiveKeys, touchLastUsed, writeKeyCopy } from "../../runtime/db/api-keys";
import { recordProcessedEvent } from "../../runtime/db/processed-webhooks";
import { sqlScript } from "../../runtime/db/statements";
import {
  findCheckoutSession,
  markCheckoutSessionCredited,
  raiseRefunded,
  recordCheckoutSession,
} from "../../runtime/db/stripe-checkout-sessions";
import { insertTenantWithMasterKey, tenantExists, tenantWithMasterKey } from "../../runtime/db/tenants";
import { copyUsageEvents, findUsageEvent, keyUsageRows, usageRollups } from "../../runtime/db/usage-events";
import { newTenant } from "../../runtime/keys/tenant-creation";
import { usageEvent } from "./support/money";
import { seedTenant } from "./support/seed";

const usageRow = (tenantId: string, keyId: string, requestId: string) => usageEvent({ tenant_id: tenantId, key_id: keyId, request_id: requestId });

const ALL_TIME = { from_ms: 0, to_ms: Date.now() + 60_000, groups: new Set(["key", "model", "day"]) };

describe("a foreign tenant's id finds nothing", () => {
  it("api_keys: lookups, lists and writes of another tenant's key", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    expect(await findTenantKey(env.DB, b.tenantId, a.masterKeyId)).toBeNull();
    expect((await listActiveKeys(env.DB, b.tenantId)).map((k) => k.id)).toEqual([b.masterKeyId]);

    await writeKeyCopy(env.DB, b.tenantId, a.masterKeyId, { max_spend_micros: 1, revoked: true }, "taken over");
    await touchLastUsed(env.DB, b.tenantId, a.masterKeyId, 123);
    const row = await findTenantKey(env.DB, a.tenantId, a.masterKeyId);
    expect(row).toMatchObject({ name: "master", max_spend_micros: null, revoked_at: null, last_used_at: null });

    await touchLastUsed(env.DB, a.tenantId, a.masterKeyId, 123);
    expect((await findTenantKey(env.DB, a.tenantId, a.masterKeyId))?.last_used_at).toBe(123);
  });

  it("usage_events: another tenant's rows are never counted, found or written", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await copyUsageEvents(env.DB, a.tenantId, [usageRow(a.tenantId, a.masterKeyId, `req-${a.tenantId}`)]);

    expect(await findUsageEvent(env.DB, b.tenantId, `req-${a.tenantId}`)).toBeNull();
    expect(await findUsageEvent(env.DB, a.tenantId, `req-${a.tenantId}`)).toMatchObject({ cost_micros: 42 });
    const foreign = await usageRollups(env.DB, b.tenantId, ALL_TIME);
    expect(foreign).toEqual({ totals: expect.objectContaining({ requests: 0 }), byKey: [], byModel: [], byDay: [] });
    expect((await usageRollups(env.DB, a.tenantId, ALL_TIME)).totals).toMatchObject({ requests: 1, cost_micros: 42 });
    expect(await keyUsageRows(env.DB, b.tenantId, a.masterKeyId)).toEqual([]);

    // A row of tenant A handed over as B's is refused before anything is written.
    await expect(copyUsageEvents(env.DB, b.tenantId, [usageRow(a.tenantId, a.masterKeyId, `req2-${a.tenantId}`)])).rejects.toThrow(/cannot be copied/);
    expect(await findUsageEvent(env.DB, a.tenantId, `req2-${a.tenantId}`)).toBeNull();
  });

  it("stripe_checkout_sessions: another tenant cannot mark a session credited or refunded", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    const id = `cs_test_${a.tenantId}`;
    await recordCheckoutSession(env.DB, a.tenantId, { id, amountMicros: 5_000_000, livemode: false, createdAt: Date.now() });

    await markCheckoutSessionCredited(env.DB, b.tenantId, id, "pi_foreign", Date.now());
    await raiseRefunded(env.DB, b.tenantId, id, 1_000_000);
    expect(await findCheckoutSession(env.DB, id)).toMatchObject({ tenant_id: a.tenantId, payment_intent: null, credited_at: null, refunded_micros: 0 });

    await markCheckoutSessionCredited(env.DB, a.tenantId, id, "pi_own", 1);
    await raiseRefunded(env.DB, a.tenantId, id, 1_000_000);
    expect(await findCheckoutSession(env.DB, id)).toMatchObject({ payment_intent: "pi_own", credited_at: 1, refunded_micros: 1_000_000 });
  });

  it("processed_webhooks: each event is logged under the tenant it was applied to", async () => {
    const a = await seedTenant();
    await recordProcessedEvent(env.DB, a.tenantId, `evt_${a.tenantId}`, 7, 1);
    const row = await env.DB.prepare("SELECT tenant_id, amount_micros FROM processed_webhooks WHERE id = ?").bind(`evt_${a.tenantId}`).first();
    expect(row).toEqual({ tenant_id: a.tenantId, amount_micros: 7 });
  });
});

describe("one way to make a tenant with its master key", () => {
  it("writes both rows, and refuses a taken id without writing a second key", async () => {
    const t = newTenant({ id: `tn-db-${crypto.randomUUID().slice(0, 8)}`, name: "Acme", secret: newSecret("test"), nowMs: Date.now() });
    expect(await insertTenantWithMasterKey(env.DB, t.tenant, t.master)).toBe("created");
    expect(await tenantExists(env.DB, t.tenant.id)).toBe(true);
    expect(await findActiveKeyByHash(env.DB, t.master.hash)).toMatchObject({ id: t.master.id, tenant_id: t.tenant.id, scope: "master" });

    const again = newTenant({ id: t.tenant.id, name: "Other", secret: newSecret("test"), nowMs: Date.now() });
    expect(await insertTenantWithMasterKey(env.DB, again.tenant, again.master)).toBe("exists");
    expect((await listActiveKeys(env.DB, t.tenant.id)).map((k) => k.id)).toEqual([t.master.id]);
  });

  it("npm start's re-seed script keeps the tenant, takes the kept secret again, un-revokes the key, and runs any number of times", async () => {
    const id = `tn-dev-${crypto.randomUUID().slice(0, 8)}`;
    const keyId = `key_dev_${id}`;
    const seed = (secret: string) => {
      const dev = newTenant({ id, name: "Dev tenant", secret, nowMs: Date.now(), keyId, keyName: "dev master" });
      return env.DB.exec(sqlScript(tenantWithMasterKey(dev.tenant, dev.master, "reseed")));
    };
    const first = newSecret("test");
    await seed(first);
    await seed(first);
    expect(await findActiveKeyByHash(env.DB, newTenant({ id, name: "", secret: first, nowMs: 0 }).master.hash)).toMatchObject({ id: keyId, tenant_id: id });

    await writeKeyCopy(env.DB, id, keyId, { max_spend_micros: null, revoked: true });
    const second = newSecret("test");
    await seed(second);
    const keys = await listActiveKeys(env.DB, id);
    expect(keys.map((k) => [k.id, k.prefix])).toEqual([[keyId, second.slice(0, 13)]]);
  });

  it("a re-seed never takes over a key id of another tenant", async () => {
    const other = await seedTenant();
    const id = `tn-dev-${crypto.randomUUID().slice(0, 8)}`;
    const t = newTenant({ id, name: "Dev tenant", secret: newSecret("test"), nowMs: Date.now(), keyId: other.masterKeyId });
    await env.DB.exec(sqlScript(tenantWithMasterKey(t.tenant, t.master, "reseed")));
    expect(await findTenantKey(env.DB, other.tenantId, other.masterKeyId)).toMatchObject({ prefix: other.masterKey.slice(0, 13) });
    expect(await listActiveKeys(env.DB, id)).toEqual([]);
  });
});
