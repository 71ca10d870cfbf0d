import { describe, expect, it } from "vitest";
import { stripeBaseUrl } from "../../../runtime/webhooks/stripe-api";

describe("stripeBaseUrl: where Gatehouse sends the Stripe secret key", () => {
  it("a STRIPE_API_URL set in production is ignored: the secret key only ever goes to https://api.stripe.com", () => {
    expect(stripeBaseUrl({ ENVIRONMENT: "production", STRIPE_API_URL: "http://attacker.example" })).toBe("https://api.stripe.com");
  });

  it("outside production a test may point it at a local fake (trailing slash dropped)", () => {
    expect(stripeBaseUrl({ ENVIRONMENT: "development", STRIPE_API_URL: "http://127.0.0.1:4242/" })).toBe("http://127.0.0.1:4242");
    expect(stripeBaseUrl({ ENVIRONMENT: "development" })).toBe("https://api.stripe.com");
  });

  it("a STRIPE_API_URL that is not an http(s) URL is refused with what to fix", () => {
    expect(() => stripeBaseUrl({ ENVIRONMENT: "development", STRIPE_API_URL: "file:///etc/passwd" })).toThrow(/STRIPE_API_URL must be an http\(s\) URL/);
    expect(() => stripeBaseUrl({ ENVIRONMENT: "development", STRIPE_API_URL: "not a url" })).toThrow(/STRIPE_API_URL/);
  });
});
