import { describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { decideStripeEvent } from "../../../runtime/webhooks/stripe-event";

const checkout = (session: Record<string, unknown>, type = "checkout.session.completed") => ({
  id: "evt_1",
  object: "event",
  type,
  data: { object: { id: "cs_test_1", object: "checkout.session", amount_total: 2000, currency: "usd", payment_status: "paid", metadata: { tenant_id: "acme" }, ...session } },
});

describe("decideStripeEvent", () => {
  it("credits amount_total cents × 10,000 micro-dollars to metadata.tenant_id", () => {
    expect(decideStripeEvent(checkout({}))).toEqual({
      kind: "credit",
      eventId: "evt_1",
      tenantId: "acme",
      amountMicros: 20_000_000,
      note: "Stripe checkout cs_test_1 (checkout.session.completed)",
    });
  });

  it("credits a delayed payment when it succeeds, not when the session completes unpaid", () => {
    expect(decideStripeEvent(checkout({ payment_status: "unpaid" }))).toMatchObject({ kind: "ignore", reason: expect.stringContaining("unpaid") });
    expect(decideStripeEvent(checkout({}, "checkout.session.async_payment_succeeded"))).toMatchObject({ kind: "credit", amountMicros: 20_000_000 });
  });

  it.each([
    ["another event type", { ...checkout({}), type: "invoice.paid" }, "invoice.paid"],
    ["no tenant", checkout({ metadata: {} }), "metadata.tenant_id"],
    ["no metadata", checkout({ metadata: null }), "metadata.tenant_id"],
    ["another currency", checkout({ currency: "eur" }), "eur"],
    ["a zero amount", checkout({ amount_total: 0 }), "amount_total"],
    ["a fractional amount", checkout({ amount_total: 12.5 }), "amount_total"],
    ["no amount", checkout({ amount_total: undefined }), "amount_total"],
  ])("ignores %s with a reason", (_label, event, reason) => {
    expect(decideStripeEvent(event)).toEqual({ kind: "ignore", eventId: "evt_1", reason: expect.stringContaining(reason) });
  });

  it.each([["an array", []], ["no id", { type: "x" }], ["a number id", { id: 1, type: "x" }], ["null", null]])("refuses %s as not an event (400)", (_l, body) => {
    expect(() => decideStripeEvent(body)).toThrow(ApiError);
  });
});
