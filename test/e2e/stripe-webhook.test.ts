import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startLocalWorker, type LocalWorker } from "../support/local-worker";

// POST /v1/webhooks/stripe against the real Worker in workerd: signatures over the raw
// body, exactly-once credit per event id under concurrent and repeated delivery.
const SECRET = "whsec_e2e_test_signing_secret";
let worker: LocalWorker;
let tenant: { tenantId: string; masterKey: string };
let events = 0;

const sign = (raw: string, t = Math.floor(Date.now() / 1000), secret = SECRET) =>
  `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${raw}`).digest("hex")}`;

function checkoutEvent(opts: { id?: string; tenantId?: string; cents?: number; type?: string } = {}) {
  const id = opts.id ?? `evt_e2e_${++events}_${Date.now()}`;
  const raw = JSON.stringify({
    id,
    object: "event",
    type: opts.type ?? "checkout.session.completed",
    data: {
      object: {
        id: `cs_test_${id}`,
        object: "checkout.session",
        amount_total: opts.cents ?? 2_000,
        currency: "usd",
        payment_status: "paid",
        metadata: { tenant_id: opts.tenantId ?? tenant.tenantId },
      },
    },
  }, null, 2); // pretty-printed like Stripe's: the signature covers these exact bytes
  return { id, raw };
}

const deliver = (raw: string, signature: string | null) =>
  fetch(`${worker.url}/v1/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...(signature === null ? {} : { "stripe-signature": signature }) },
    body: raw,
  });

const balance = async () =>
  ((await (await fetch(`${worker.url}/v1/wallet`, { headers: { "x-api-key": tenant.masterKey } })).json()) as { balance_micros: number }).balance_micros;
const ledgerRefs = async () =>
  ((await (await fetch(`${worker.url}/v1/wallet/ledger?limit=500`, { headers: { "x-api-key": tenant.masterKey } })).json()) as { data: { ref: string }[] }).data.map((e) => e.ref);
const processed = async (id: string) =>
  (await (await worker.mf.getD1Database("DB")).prepare("SELECT COUNT(*) AS n FROM processed_webhooks WHERE id = ?").bind(id).first<{ n: number }>())?.n;

beforeAll(async () => {
  worker = await startLocalWorker({ bindings: { STRIPE_WEBHOOK_SECRET: SECRET }, creditMicros: 1_000_000 });
  tenant = { tenantId: worker.tenantId, masterKey: worker.masterKey };
}, 60_000);
afterAll(() => worker?.dispose());

describe("Stripe top-ups credit exactly once per event", () => {
  it("one event delivered 10 times concurrently, then 10 times in a row, credits $20 once", async () => {
    const before = await balance();
    const { id, raw } = checkoutEvent({ cents: 2_000 });
    const signature = sign(raw);
    const burst = await Promise.all(Array.from({ length: 10 }, () => deliver(raw, signature)));
    const bodies = await Promise.all(burst.map((r) => r.json() as Promise<Record<string, unknown>>));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(bodies.filter((b) => b.duplicate === false)).toHaveLength(1);
    expect(bodies.every((b) => b.received === true && b.ignored === false && b.credited_micros === 20_000_000)).toBe(true);
    for (let i = 0; i < 10; i++) {
      const again = await deliver(raw, sign(raw));
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ received: true, duplicate: true });
    }
    expect(await balance()).toBe(before + 20_000_000);
    expect((await ledgerRefs()).filter((r) => r === `stripe:${id}`)).toHaveLength(1);
    expect(await processed(id)).toBe(1);
  });

  it("a retry after a crash between the credit and its record still credits once", async () => {
    const { id, raw } = checkoutEvent({ cents: 500 });
    // The wallet credited (ref stripe:<id>) but processed_webhooks was never written.
    const partial = await fetch(`${worker.url}/v1/admin/tenants/${tenant.tenantId}/credit`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ amount_micros: 5_000_000, ref: `stripe:${id}` }),
    });
    expect(partial.status).toBe(200);
    const before = await balance();
    const retry = await deliver(raw, sign(raw));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ ignored: false, duplicate: true, credited_micros: 5_000_000 });
    expect(await balance()).toBe(before);
    expect(await processed(id)).toBe(1);
  });

  it("a new event id credits again", async () => {
    const before = await balance();
    const { raw } = checkoutEvent({ cents: 1 });
    expect(await (await deliver(raw, sign(raw))).json()).toMatchObject({ duplicate: false, credited_micros: 10_000 });
    expect(await balance()).toBe(before + 10_000);
  });
});

describe("unsigned, mis-signed and stale deliveries are 400 and change nothing", () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ["no Stripe-Signature header", (raw: string) => (void raw, null), "missing"],
    ["a signature made with another secret", (raw: string) => sign(raw, now(), "whsec_attacker"), "does not match"],
    ["a signature of a different body", (raw: string) => sign(raw.replace("2000", "9999")), "does not match"],
    ["a timestamp 6 minutes old (valid HMAC)", (raw: string) => sign(raw, now() - 360), "300 s"],
    ["a timestamp 6 minutes ahead (valid HMAC)", (raw: string) => sign(raw, now() + 360), "300 s"],
    ["a header without v1", (raw: string) => sign(raw).replace("v1=", "v0="), "no v1"],
    ["a garbage header", () => "nonsense", "t=<unix seconds>"],
  ])("%s", async (_label, signer, reason) => {
    const before = await balance();
    const refs = await ledgerRefs();
    const { id, raw } = checkoutEvent({ cents: 2_000 });
    const res = await deliver(raw, signer(raw));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string; param: string } };
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: "header.stripe-signature" });
    expect(body.error.message).toContain(reason);
    expect(await balance()).toBe(before);
    expect(await ledgerRefs()).toEqual(refs);
    expect(await processed(id)).toBe(0);
  });

  it("a body over 1 MiB is 413 before any signature work", async () => {
    const raw = JSON.stringify({ id: "evt_big", type: "checkout.session.completed", pad: "x".repeat(1024 * 1024) });
    const res = await deliver(raw, sign(raw));
    expect(res.status).toBe(413);
    expect(await processed("evt_big")).toBe(0);
  });
});

describe("verified events Gatehouse does not act on are acknowledged (200) without credit", () => {
  it.each([
    ["another event type", { type: "customer.created" }, "customer.created"],
    ["an unknown tenant", { tenantId: "no-such-tenant" }, "no tenant no-such-tenant"],
  ])("%s", async (_label, opts, reason) => {
    const before = await balance();
    const { id, raw } = checkoutEvent(opts);
    const res = await deliver(raw, sign(raw));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, ignored: true, reason: expect.stringContaining(reason) });
    expect(await balance()).toBe(before);
    expect(await processed(id)).toBe(0);
  });
});

describe("without STRIPE_WEBHOOK_SECRET", () => {
  it("refuses deliveries with 403 saying what to set", async () => {
    const bare = await startLocalWorker({ creditMicros: 0 });
    try {
      const raw = JSON.stringify({ id: "evt_x", type: "checkout.session.completed" });
      const res = await fetch(`${bare.url}/v1/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": sign(raw) }, body: raw });
      expect(res.status).toBe(403);
      expect(JSON.stringify(await res.json())).toContain("STRIPE_WEBHOOK_SECRET");
    } finally {
      await bare.dispose();
    }
  });
});
