import { describe, expect, it } from "vitest";
import { stripeBaseUrl } from "../../../runtime/webhooks/stripe-api";

/** A fresh env object per call: the checked configuration is cached per env object. */
const envOf = (vars: Record<string, string>) => vars as unknown as Env;

describe("stripeBaseUrl: where Gatehouse sends the Stripe secret key", () => {
  it("a STRIPE_API_URL set in production is ignored: the secret key only ever goes to https://api.stripe.com", () => {
    expect(stripeBaseUrl(envOf({ ENVIRONMENT: "production", STRIPE_API_URL: "http://attacker.example" }))).toBe("https://api.stripe.com");
  });

  it("outside production a test may point it at a local fake (trailing slash dropped)", () => {
    expect(stripeBaseUrl(envOf({ ENVIRONMENT: "development", STRIPE_API_URL: "http://127.0.0.1:4242/" }))).toBe("http://127.0.0.1:4242");
    expect(stripeBaseUrl(envOf({ ENVIRONMENT: "development" }))).toBe("https://api.stripe.com");
  });

  it("a STRIPE_API_URL that is not an http(s) URL is refused with what to fix", () => {
    expect(() => stripeBaseUrl(envOf({ ENVIRONMENT: "development", STRIPE_API_URL: "file:///etc/passwd" }))).toThrow(/STRIPE_API_URL must be an absolute http\(s\):\/\/ URL/);
    expect(() => stripeBaseUrl(envOf({ ENVIRONMENT: "development", STRIPE_API_URL: "not a url" }))).toThrow(/STRIPE_API_URL/);
  });
});
