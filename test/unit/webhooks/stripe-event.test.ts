import { describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { decideStripeEvent } from "../../../runtime/webhooks/stripe-event";

const TEST_MODE = { livemode: false };
const LIVE_MODE = { livemode: true };

const event = (type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "evt_1",
  object: "event",
  type,
  livemode: false,
  data: { object },
  ...extra,
});
const checkout = (session: Record<string, unknown>, type = "checkout.session.completed", extra: Record<string, unknown> = {}) =>
  event(
    type,
    { id: "cs_test_1", object: "checkout.session", amount_total: 2000, currency: "usd", payment_status: "paid", payment_intent: "pi_1", ...session },
    extra,
  );
const refund = (charge: Record<string, unknown> = {}) =>
  event("charge.refunded", { id: "ch_1", object: "charge", payment_intent: "pi_1", amount: 2000, amount_refunded: 500, currency: "usd", ...charge });
const dispute = (object: Record<string, unknown> = {}) =>
  event("charge.dispute.created", { id: "dp_1", object: "dispute", charge: "ch_1", payment_intent: "pi_1", amount: 2000, currency: "usd", ...object });

describe("decideStripeEvent: top-ups", () => {
  it("a paid session is a top-up of amount_total cents × 10,000 micro-dollars for that session (the tenant comes from Gatehouse's record, not metadata)", () => {
    expect(decideStripeEvent(checkout({ metadata: { tenant_id: "someone-else" } }), TEST_MODE)).toEqual({
      kind: "top_up",
      eventId: "evt_1",
      sessionId: "cs_test_1",
      amountMicros: 20_000_000,
      paymentIntent: "pi_1",
      note: "Stripe checkout cs_test_1 (checkout.session.completed)",
    });
  });

  it("credits a delayed payment when it succeeds, not when the session completes unpaid", () => {
    expect(decideStripeEvent(checkout({ payment_status: "unpaid" }), TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("unpaid") });
    expect(decideStripeEvent(checkout({}, "checkout.session.async_payment_succeeded"), TEST_MODE)).toMatchObject({ kind: "top_up", amountMicros: 20_000_000 });
  });

  it.each([
    ["another event type", { ...checkout({}), type: "invoice.paid" }, "invoice.paid"],
    ["another currency", checkout({ currency: "eur" }), "eur"],
    ["a zero amount", checkout({ amount_total: 0 }), "amount_total"],
    ["a fractional amount", checkout({ amount_total: 12.5 }), "amount_total"],
    ["no amount", checkout({ amount_total: undefined }), "amount_total"],
    ["no session id", checkout({ id: undefined }), "session id"],
  ])("ignores %s with a reason", (_label, body, reason) => {
    expect(decideStripeEvent(body, TEST_MODE)).toEqual({ kind: "ignore", eventId: "evt_1", reason: expect.stringContaining(reason) });
  });

  it.each([["an array", []], ["no id", { type: "x" }], ["a number id", { id: 1, type: "x" }], ["null", null]])("refuses %s as not an event (400)", (_l, body) => {
    expect(() => decideStripeEvent(body, TEST_MODE)).toThrow(ApiError);
  });
});

describe("decideStripeEvent: events that must not credit", () => {
  it("a test-mode event sent to a production deployment credits nothing", () => {
    expect(decideStripeEvent(checkout({}), LIVE_MODE)).toEqual({ kind: "ignore", eventId: "evt_1", reason: expect.stringContaining("livemode") });
  });

  it("a live-mode event sent to a development deployment credits nothing", () => {
    expect(decideStripeEvent(checkout({}, "checkout.session.completed", { livemode: true }), TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("livemode") });
  });

  it("an event without livemode credits nothing", () => {
    expect(decideStripeEvent(checkout({}, "checkout.session.completed", { livemode: undefined }), TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("livemode") });
  });

  it("a Connect event (a connected account's payment, event.account set) credits nothing", () => {
    expect(decideStripeEvent(checkout({}, "checkout.session.completed", { account: "acct_1" }), TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("acct_1") });
    expect(decideStripeEvent(refund(), TEST_MODE)).toMatchObject({ kind: "refund" });
    expect(decideStripeEvent({ ...refund(), account: "acct_1" }, TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("acct_1") });
  });

  it("a session without currency credits nothing (it is not known to be usd)", () => {
    expect(decideStripeEvent(checkout({ currency: undefined }), TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("currency") });
  });

  it("a session without payment_status credits nothing (it is not known to be paid)", () => {
    expect(decideStripeEvent(checkout({ payment_status: undefined }), TEST_MODE)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("payment_status") });
  });
});

describe("decideStripeEvent: refunds and disputes", () => {
  it("charge.refunded is a refund of amount_refunded (cumulative) tied by payment_intent", () => {
    expect(decideStripeEvent(refund(), TEST_MODE)).toEqual({
      kind: "refund",
      eventId: "evt_1",
      chargeId: "ch_1",
      paymentIntent: "pi_1",
      refundedMicros: 5_000_000,
      note: "Stripe refund of charge ch_1 (charge.refunded)",
    });
  });

  it("charge.dispute.created is a dispute of its amount tied by payment_intent", () => {
    expect(decideStripeEvent(dispute(), TEST_MODE)).toEqual({
      kind: "dispute",
      eventId: "evt_1",
      disputeId: "dp_1",
      paymentIntent: "pi_1",
      amountMicros: 20_000_000,
      note: "Stripe dispute dp_1 of charge ch_1 (charge.dispute.created)",
    });
  });

  it.each([
    ["a refund without payment_intent", refund({ payment_intent: null }), "payment_intent"],
    ["a refund of 0", refund({ amount_refunded: 0 }), "amount_refunded"],
    ["a refund in another currency", refund({ currency: "eur" }), "eur"],
    ["a dispute without payment_intent", dispute({ payment_intent: undefined }), "payment_intent"],
    ["a dispute with a fractional amount", dispute({ amount: 1.5 }), "amount"],
    ["a dispute without an id", dispute({ id: undefined }), "dispute id"],
  ])("ignores %s with a reason", (_label, body, reason) => {
    expect(decideStripeEvent(body, TEST_MODE)).toEqual({ kind: "ignore", eventId: "evt_1", reason: expect.stringContaining(reason) });
  });
});
