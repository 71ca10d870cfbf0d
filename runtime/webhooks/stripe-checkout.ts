// A top-up's Checkout Session, pure: the caller's request checked at the edge, the form Stripe's
// `POST /v1/checkout/sessions` takes, and what Gatehouse reads back from its answer.

import { ApiError, badRequest } from "../errors";
import { MICROS_PER_CENT } from "./stripe-event";

/** Stripe's production API. STRIPE_API_URL replaces it outside production only. */
export const STRIPE_API_URL = "https://api.stripe.com";

export interface CheckoutRequest {
  amount_usd: number;
  success_url: string;
  cancel_url: string;
}

export interface CheckoutPlan {
  cents: number;
  amountMicros: number;
  successUrl: string;
  cancelUrl: string;
}

/** Whole cents and absolute URLs (https in production); bounds and lengths are checked by the schema. */
export function planCheckout(body: CheckoutRequest, production: boolean): CheckoutPlan {
  const cents = Math.round(body.amount_usd * 100);
  // Float dollars: 20.07 × 100 is 2007.0000000000002, so "whole cents" allows rounding noise only.
  if (!Number.isFinite(body.amount_usd) || Math.abs(body.amount_usd * 100 - cents) > 1e-6) {
    throw badRequest(`amount_usd must be a whole number of cents (at most 2 decimals), got ${body.amount_usd}`, "body.amount_usd");
  }
  return {
    cents,
    amountMicros: cents * MICROS_PER_CENT,
    successUrl: redirectUrl("success_url", body.success_url, production),
    cancelUrl: redirectUrl("cancel_url", body.cancel_url, production),
  };
}

/** Returns the URL as sent: Stripe fills `{CHECKOUT_SESSION_ID}` in it, which re-serialising would escape. */
function redirectUrl(name: string, raw: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`${name} must be an absolute URL such as https://app.example.com/billing, got ${JSON.stringify(raw.slice(0, 100))}`, `body.${name}`);
  }
  const allowed = production ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(url.protocol)) {
    throw badRequest(`${name} must be an ${production ? "https" : "http or https"} URL, got a ${url.protocol} URL`, `body.${name}`);
  }
  if (url.username !== "" || url.password !== "") throw badRequest(`${name} must not carry a user name or password`, `body.${name}`);
  return raw;
}

/** The form body of `POST /v1/checkout/sessions` for one top-up of the tenant's wallet. */
export function checkoutForm(plan: CheckoutPlan, tenantId: string): URLSearchParams {
  return new URLSearchParams({
    mode: "payment",
    "line_items[0][quantity]": "1",
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": String(plan.cents),
    "line_items[0][price_data][product_data][name]": "Wallet top-up",
    success_url: plan.successUrl,
    cancel_url: plan.cancelUrl,
    // For people reading the Stripe dashboard; Gatehouse never reads either back.
    client_reference_id: tenantId,
    "metadata[tenant_id]": tenantId,
  });
}

/** What Gatehouse keeps of Stripe's answer, after checking it is the session it asked for. */
export function readCreatedSession(json: unknown, plan: CheckoutPlan, livemode: boolean): { id: string; url: string } {
  const s = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  if (typeof s.id !== "string" || !s.id.startsWith("cs_") || typeof s.url !== "string") {
    throw stripeUnavailable("Stripe's answer carries no checkout session id and url", s);
  }
  if (s.livemode !== livemode) {
    throw new ApiError(
      "upstream",
      `Stripe created a ${s.livemode === true ? "live" : "test-mode"} session but this deployment takes ${livemode ? "live" : "test-mode"} payments only: set STRIPE_SECRET_KEY to a ${livemode ? "live (sk_live_…)" : "test (sk_test_…)"} key`,
    );
  }
  if (s.amount_total !== plan.cents) throw stripeUnavailable(`Stripe's session is for ${String(s.amount_total)} cents, not ${plan.cents}`, s);
  return { id: s.id, url: s.url };
}

export function stripeUnavailable(detail: string, logged?: unknown): ApiError {
  console.error(`stripe checkout: ${detail}`, logged ?? "");
  return new ApiError("upstream", "Stripe could not create the checkout session; try again later (details are in Gatehouse's logs)");
}
