// The one call Gatehouse makes to Stripe: creating a Checkout Session.

import { ApiError } from "../errors";
import { STRIPE_API_URL, checkoutForm, readCreatedSession, stripeUnavailable, type CheckoutPlan } from "./stripe-checkout";

/** Secrets and vars this module reads (not yet in wrangler.toml's generated Env). */
export interface StripeEnv {
  ENVIRONMENT: string;
  STRIPE_SECRET_KEY?: string;
  /** Tests point it at a local fake; ignored in production, where Stripe is always api.stripe.com. */
  STRIPE_API_URL?: string;
}

const TIMEOUT_MS = 10_000;

/** Where Stripe is: its own URL in production whatever the vars say; elsewhere STRIPE_API_URL when set. */
export function stripeBaseUrl(env: StripeEnv): string {
  const override = env.STRIPE_API_URL ?? "";
  if (env.ENVIRONMENT === "production" || override === "") return STRIPE_API_URL;
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new ApiError("internal", `STRIPE_API_URL must be an http(s) URL, got ${JSON.stringify(override)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ApiError("internal", `STRIPE_API_URL must be an http(s) URL, got ${url.protocol}`);
  return override.replace(/\/+$/, "");
}

/** Creates the session; anything but a session for exactly this plan is a 502 (details logged). */
export async function createStripeCheckoutSession(
  env: StripeEnv,
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
