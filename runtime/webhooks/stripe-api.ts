// The one call Gatehouse makes to Stripe: creating a Checkout Session.

import { urlOverride } from "../config";
import { ApiError } from "../errors";
import { STRIPE_API_URL, checkoutForm, readCreatedSession, stripeUnavailable, type CheckoutPlan } from "./stripe-checkout";

const TIMEOUT_MS = 10_000;

/**
 * Where Stripe is: api.stripe.com, or STRIPE_API_URL outside production (tests point it at a
 * local fake). The override is read and checked with the other URL vars (config.ts), so a bad
 * one fails loudly and production never sends the secret key anywhere else.
 */
export function stripeBaseUrl(env: Env): string {
  return (urlOverride(env, "STRIPE_API_URL") ?? STRIPE_API_URL).replace(/\/+$/, "");
}

/** Creates the session; anything but a session for exactly this plan is a 502 (details logged). */
export async function createStripeCheckoutSession(
  env: Env,
  plan: CheckoutPlan,
  tenantId: string,
  idempotencyKey: string,
): Promise<{ id: string; url: string }> {
  const secret = env.STRIPE_SECRET_KEY ?? "";
  if (secret === "") {
    throw new ApiError("permission", "Stripe checkout is disabled: the operator must set the STRIPE_SECRET_KEY secret to the account's secret key");
  }
  let res: Response;
  try {
    res = await fetch(`${stripeBaseUrl(env)}/v1/checkout/sessions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/x-www-form-urlencoded",
        // A retried call (the network failed after Stripe answered) returns the same session.
        "idempotency-key": idempotencyKey,
      },
      body: checkoutForm(plan, tenantId),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw stripeUnavailable(`could not reach Stripe: ${String(e)}`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.status === 401 || res.status === 403) throw stripeUnavailable(`Stripe refused STRIPE_SECRET_KEY (HTTP ${res.status})`, json);
  if (!res.ok) throw stripeUnavailable(`Stripe answered HTTP ${res.status}`, json);
  return readCreatedSession(json, plan, env.ENVIRONMENT === "production");
}
