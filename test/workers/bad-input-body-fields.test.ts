import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, hostileBodyFields, snapshot, withBody } from "./support/bad-input";
import { seedTenant } from "./support/seed";

// The bad-input sweep, part two: hostile values in every body field of Gatehouse's own routes,
// and money beyond what micro-dollars hold (part one: bad-input-every-route.test.ts; the
// gateway surfaces: bad-input-gateway-fields.test.ts; the shared parts: support/bad-input.ts).

describe("hostile values in every body field", () => {
  it.each(withBody.filter((r) => r.surface === "gatehouse").map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    await hostileBodyFields(route);
  });

  it("money beyond what micro-dollars can hold exactly is a 400 naming the field, and nothing is credited", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const before = await snapshot(t.tenantId);
    const credit = await SELF.fetch(`http://gatehouse.test/v1/admin/tenants/${t.tenantId}/credit`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: '{"amount_micros": 1e300, "ref": "huge"}',
    });
    expect(credit.status).toBe(400);
    expect(await credit.json()).toMatchObject({ error: { param: "body.amount_micros" } });
    const create = await SELF.fetch("http://gatehouse.test/v1/admin/tenants", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: '{"name": "rich", "initial_credit_micros": 1e300}',
    });
    expect(create.status).toBe(400);
    expect(await create.json()).toMatchObject({ error: { param: "body.initial_credit_micros" } });
    const key = await SELF.fetch("http://gatehouse.test/v1/keys", {
      method: "POST",
      headers: { authorization: `Bearer ${t.masterKey}`, "content-type": "application/json" },
      body: '{"name": "rich", "max_spend_usd": 1e300}',
    });
    expect(key.status).toBe(400);
    expect(await key.json()).toMatchObject({ error: { param: "body.max_spend_usd" } });
    expect(await snapshot(t.tenantId)).toEqual(before);
  });
});
