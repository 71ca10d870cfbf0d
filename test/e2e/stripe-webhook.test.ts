import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStripe, type FakeStripe } from "../support/fake-stripe";
import { ADMIN_TOKEN, startLocalWorker, type LocalWorker } from "../support/local-worker";

// Stripe top-ups against the real Worker in workerd and a fake Stripe on 127.0.0.1: sessions
// created through POST /v1/wallet/checkout, webhook signatures over the raw body, one credit per
// session under concurrent, repeated and re-sent delivery, refunds and disputes debited.
const SECRET = "whsec_e2e_test_signing_secret";
const STRIPE_KEY = "sk_test_e2e_fake_stripe_key";
let worker: LocalWorker;
let stripe: FakeStripe;
let tenant: { tenantId: string; masterKey: string };
let events = 0;

const sign = (raw: string, t = Math.floor(Date.now() / 1000), secret = SECRET) =>
  `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${raw}`).digest("hex")}`;

/** An event as Stripe sends it: pretty-printed (the signature covers these exact bytes). */
function stripeEvent(type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const id = `evt_e2e_${++events}_${Date.now()}`;
  return { id, raw: JSON.stringify({ id, object: "event", type, livemode: false, data: { object }, ...extra }, null, 2) };
}
const paidSession = (sessionId: string, opts: { cents?: number; type?: string; paymentIntent?: string; metadata?: Record<string, string> } = {}) =>
  stripeEvent(opts.type ?? "checkout.session.completed", {
    id: sessionId,
    object: "checkout.session",
    amount_total: opts.cents ?? 2_000,
    currency: "usd",
    payment_status: "paid",
    payment_intent: opts.paymentIntent ?? `pi_${sessionId}`,
    metadata: opts.metadata ?? {},
  });

const deliver = (raw: string, signature: string | null) =>
  fetch(`${worker.url}/v1/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...(signature === null ? {} : { "stripe-signature": signature }) },
    body: raw,
  });
const deliverSigned = async (event: { raw: string }) => {
  const res = await deliver(event.raw, sign(event.raw));
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

const checkout = (body: unknown, key = tenant.masterKey) =>
  fetch(`${worker.url}/v1/wallet/checkout`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify(body) });
/** A session created through Gatehouse for `key`'s tenant, as a payer would get it. */
async function createdSession(amountUsd = 20, key = tenant.masterKey): Promise<string> {
  const res = await checkout({ amount_usd: amountUsd, success_url: "https://app.example.com/paid?s={CHECKOUT_SESSION_ID}", cancel_url: "https://app.example.com/billing" }, key);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const balanceOf = async (key: string) =>
  ((await (await fetch(`${worker.url}/v1/wallet`, { headers: { "x-api-key": key } })).json()) as { balance_micros: number }).balance_micros;
const balance = () => balanceOf(tenant.masterKey);
const ledger = async () =>
  ((await (await fetch(`${worker.url}/v1/wallet/ledger?limit=500`, { headers: { "x-api-key": tenant.masterKey } })).json()) as { data: { ref: string; type: string; amount_micros: number }[] }).data;
const ledgerRefs = async () => (await ledger()).map((e) => e.ref);
const processed = async (id: string) =>
  (await (await worker.mf.getD1Database("DB")).prepare("SELECT COUNT(*) AS n FROM processed_webhooks WHERE id = ?").bind(id).first<{ n: number }>())?.n;

beforeAll(async () => {
  stripe = await startFakeStripe(STRIPE_KEY);
  worker = await startLocalWorker({ bindings: { STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_API_URL: stripe.url }, creditMicros: 1_000_000 });
  tenant = { tenantId: worker.tenantId, masterKey: worker.masterKey };
}, 60_000);
afterAll(async () => {
  await worker?.dispose();
  await stripe?.close();
});

describe("POST /v1/wallet/checkout creates and records the session", () => {
  it("calls Stripe's POST /v1/checkout/sessions (form-encoded, bearer secret key, idempotency key) and answers {id, url, amount_micros}", async () => {
    const before = stripe.calls.length;
    const res = await checkout({ amount_usd: 20.07, success_url: "https://app.example.com/paid?s={CHECKOUT_SESSION_ID}", cancel_url: "http://localhost:3000/billing" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; url: string; amount_micros: number };
    expect(body).toEqual({ id: expect.stringMatching(/^cs_test_/), url: `https://checkout.stripe.com/c/pay/${body.id}`, amount_micros: 20_070_000 });
    expect(stripe.calls).toHaveLength(before + 1);
    const call = stripe.calls.at(-1)!;
    expect(call.authorization).toBe(`Bearer ${STRIPE_KEY}`);
    expect(call.contentType).toBe("application/x-www-form-urlencoded");
    expect(call.idempotencyKey).toMatch(/^req_/);
    expect(Object.fromEntries(call.form)).toMatchObject({
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "2007",
      success_url: "https://app.example.com/paid?s={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost:3000/billing",
      client_reference_id: tenant.tenantId,
    });
    const row = await (await worker.mf.getD1Database("DB")).prepare("SELECT tenant_id, amount_micros, livemode FROM stripe_checkout_sessions WHERE id = ?").bind(body.id).first();
    expect(row).toEqual({ tenant_id: tenant.tenantId, amount_micros: 20_070_000, livemode: 0 });
  });

  it.each([
    ["an amount below Stripe's $0.50 minimum", { amount_usd: 0.49 }, "body.amount_usd"],
    ["an amount above $10,000", { amount_usd: 10_000.01 }, "body.amount_usd"],
    ["a fraction of a cent", { amount_usd: 20.005 }, "body.amount_usd"],
    ["a string amount", { amount_usd: "20" }, "body.amount_usd"],
    ["a huge amount", { amount_usd: 1e300 }, "body.amount_usd"],
    ["a relative success_url", { success_url: "/paid" }, "body.success_url"],
    ["a javascript: cancel_url", { cancel_url: "javascript:alert(1)" }, "body.cancel_url"],
    ["an ftp success_url", { success_url: "ftp://example.com/x" }, "body.success_url"],
    ["a success_url with credentials", { success_url: "https://user:pw@example.com/" }, "body.success_url"],
    ["a 3,000-character success_url", { success_url: `https://example.com/${"a".repeat(3_000)}` }, "body.success_url"],
    ["a missing cancel_url", { cancel_url: undefined }, "body"],
  ])("%s is a 400 naming the field, and Stripe is never called", async (_label, patch, param) => {
    const before = stripe.calls.length;
    const res = await checkout({ amount_usd: 20, success_url: "https://app.example.com/ok", cancel_url: "https://app.example.com/no", ...patch });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; param: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.param).toContain(param);
    expect(stripe.calls).toHaveLength(before);
  });

  it("a standard key cannot create sessions (403)", async () => {
    const created = await fetch(`${worker.url}/v1/keys`, {
      method: "POST",
      headers: { "x-api-key": tenant.masterKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "end user", scope: "standard", end_user_id: "u1", max_spend_usd: 1 }),
    });
    const { secret } = (await created.json()) as { secret: string };
    expect((await checkout({ amount_usd: 20, success_url: "https://a.example/ok", cancel_url: "https://a.example/no" }, secret)).status).toBe(403);
  });

  it("Stripe refusing the secret key is a 502 that shows neither the key nor Stripe's message, and records nothing", async () => {
    stripe.failNext({ status: 401, body: { error: { message: "Invalid API Key provided: sk_test_****_key" } } });
    const res = await checkout({ amount_usd: 20, success_url: "https://a.example/ok", cancel_url: "https://a.example/no" });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).not.toContain("sk_test");
    expect(text).not.toContain("Invalid API Key");
    expect(text).toContain("Stripe");
  });

  it("a live session created for a test-mode deployment (wrong key) is a 502 saying which key to set", async () => {
    stripe.livemode = true;
    try {
      const res = await checkout({ amount_usd: 20, success_url: "https://a.example/ok", cancel_url: "https://a.example/no" });
      expect(res.status).toBe(502);
      expect(JSON.stringify(await res.json())).toContain("sk_test_");
    } finally {
      stripe.livemode = false;
    }
  });
});

describe("Stripe top-ups credit exactly once per Checkout Session", () => {
  it("one event delivered 10 times concurrently, then 10 times in a row, credits $20 once", async () => {
    const sessionId = await createdSession(20);
    const before = await balance();
    const { id, raw } = paidSession(sessionId);
    const signature = sign(raw);
    const burst = await Promise.all(Array.from({ length: 10 }, () => deliver(raw, signature)));
    const bodies = await Promise.all(burst.map((r) => r.json() as Promise<Record<string, unknown>>));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(bodies.filter((b) => b.duplicate === false)).toHaveLength(1);
    expect(bodies.every((b) => b.received === true && b.ignored === false && b.credited_micros === 20_000_000 && b.tenant_id === tenant.tenantId)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await deliverSigned({ raw })).toMatchObject({ received: true, duplicate: true });
    expect(await balance()).toBe(before + 20_000_000);
    expect((await ledgerRefs()).filter((r) => r === `stripe:${sessionId}`)).toHaveLength(1);
    expect(await processed(id)).toBe(1);
  });

  it("checkout.session.completed and then async_payment_succeeded for the same session credit once", async () => {
    const sessionId = await createdSession(20);
    const before = await balance();
    expect(await deliverSigned(paidSession(sessionId))).toMatchObject({ duplicate: false, credited_micros: 20_000_000 });
    expect(await deliverSigned(paidSession(sessionId, { type: "checkout.session.async_payment_succeeded" }))).toMatchObject({ duplicate: true });
    expect(await balance()).toBe(before + 20_000_000);
  });

  it("the same session re-sent under a new event id credits once", async () => {
    const sessionId = await createdSession(20);
    const before = await balance();
    const results = await Promise.all([paidSession(sessionId), paidSession(sessionId), paidSession(sessionId)].map(deliverSigned));
    expect(results.filter((r) => r.duplicate === false)).toHaveLength(1);
    expect(await balance()).toBe(before + 20_000_000);
  });

  it("a retry after a crash between the credit and its record still credits once", async () => {
    const sessionId = await createdSession(5);
    // The wallet credited (ref stripe:<session id>) but nothing else was written.
    const partial = await fetch(`${worker.url}/v1/admin/tenants/${tenant.tenantId}/credit`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ amount_micros: 5_000_000, ref: `stripe:${sessionId}` }),
    });
    expect(partial.status).toBe(200);
    const before = await balance();
    const event = paidSession(sessionId, { cents: 500 });
    expect(await deliverSigned(event)).toMatchObject({ ignored: false, duplicate: true, credited_micros: 5_000_000 });
    expect(await balance()).toBe(before);
    expect(await processed(event.id)).toBe(1);
  });
});

describe("a paid session Gatehouse did not create, or for another amount, credits nothing", () => {
  it("a session made outside Gatehouse whose metadata names this tenant credits nothing", async () => {
    const before = await balance();
    const event = paidSession(`cs_test_forged_${Date.now()}`, { metadata: { tenant_id: tenant.tenantId } });
    expect(await deliverSigned(event)).toEqual({ received: true, ignored: true, reason: expect.stringContaining("not created through POST /v1/wallet/checkout") });
    expect(await balance()).toBe(before);
    expect(await processed(event.id)).toBe(0);
  });

  it("a session created for $5 whose event says $5,000 credits nothing", async () => {
    const sessionId = await createdSession(5);
    const before = await balance();
    expect(await deliverSigned(paidSession(sessionId, { cents: 500_000 }))).toMatchObject({ ignored: true, reason: expect.stringContaining("differs") });
    expect(await balance()).toBe(before);
  });

  it("another tenant's session credits that tenant, whatever this tenant's metadata says", async () => {
    const other = await worker.createTenant(0);
    const sessionId = await createdSession(7, other.masterKey);
    const mine = await balance();
    expect(await deliverSigned(paidSession(sessionId, { cents: 700, metadata: { tenant_id: tenant.tenantId } }))).toMatchObject({ tenant_id: other.tenantId });
    expect(await balance()).toBe(mine);
    expect(await balanceOf(other.masterKey)).toBe(7_000_000);
  });

  it("a Connect event for a recorded session credits nothing", async () => {
    const sessionId = await createdSession(20);
    const before = await balance();
    const event = stripeEvent("checkout.session.completed", { id: sessionId, amount_total: 2_000, currency: "usd", payment_status: "paid" }, { account: "acct_connected" });
    expect(await deliverSigned(event)).toMatchObject({ ignored: true, reason: expect.stringContaining("acct_connected") });
    expect(await balance()).toBe(before);
  });
});

describe("refunds and disputes take the money back from the tenant", () => {
  it("partial refunds $5 then $20 in all (cumulative totals, redelivered and out of order) debit $20 once in all", async () => {
    const sessionId = await createdSession(20);
    await deliverSigned(paidSession(sessionId, { paymentIntent: `pi_r_${sessionId}` }));
    const before = await balance();
    const refund = (cents: number) =>
      stripeEvent("charge.refunded", { id: `ch_${sessionId}`, object: "charge", payment_intent: `pi_r_${sessionId}`, amount: 2_000, amount_refunded: cents, currency: "usd" });
    const five = refund(500);
    expect(await deliverSigned(five)).toMatchObject({ ignored: false, debited_micros: 5_000_000, tenant_id: tenant.tenantId, session_id: sessionId });
    expect(await deliverSigned(five)).toMatchObject({ debited_micros: 0, duplicate: true });
    expect(await deliverSigned(refund(2_000))).toMatchObject({ debited_micros: 15_000_000 });
    expect(await deliverSigned(refund(500))).toMatchObject({ debited_micros: 0 });
    expect(await balance()).toBe(before - 20_000_000);
    const debits = (await ledger()).filter((e) => e.type === "debit" && e.ref.startsWith(`stripe:refund:ch_${sessionId}`));
    expect(debits.map((e) => e.amount_micros)).toEqual([-5_000_000, -15_000_000]);
  });

  it("a dispute debits its amount once, however often it is delivered", async () => {
    const sessionId = await createdSession(20);
    await deliverSigned(paidSession(sessionId, { paymentIntent: `pi_d_${sessionId}` }));
    const before = await balance();
    const dispute = stripeEvent("charge.dispute.created", { id: `dp_${sessionId}`, object: "dispute", charge: "ch_x", payment_intent: `pi_d_${sessionId}`, amount: 2_000, currency: "usd" });
    const results = await Promise.all([dispute, dispute, dispute].map(deliverSigned));
    expect(results.filter((r) => r.duplicate === false)).toHaveLength(1);
    expect(await balance()).toBe(before - 20_000_000);
    expect((await ledgerRefs()).filter((r) => r === `stripe:dp_${sessionId}`)).toHaveLength(1);
  });

  it("a refund of a payment that was not a Gatehouse top-up debits nothing", async () => {
    const before = await balance();
    const event = stripeEvent("charge.refunded", { id: "ch_other", payment_intent: "pi_not_ours", amount_refunded: 500, currency: "usd" });
    expect(await deliverSigned(event)).toMatchObject({ ignored: true, reason: expect.stringContaining("pi_not_ours") });
    expect(await balance()).toBe(before);
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
    const { id, raw } = paidSession(`cs_test_unsigned_${Date.now()}`);
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
  it("another event type", async () => {
    const before = await balance();
    const { id, raw } = stripeEvent("customer.created", { id: "cus_1" });
    const res = await deliver(raw, sign(raw));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, ignored: true, reason: expect.stringContaining("customer.created") });
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
