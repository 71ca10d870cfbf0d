import { createHmac } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { stripeSignatureHeader, verifyStripeSignature } from "../../../runtime/webhooks/stripe-signature";

const SECRET = "whsec_unit_test_secret";
const NOW = 1_763_900_000_000;
const T = NOW / 1000;
const body = new TextEncoder().encode('{"id":"evt_1","type":"checkout.session.completed"}');
// Computed independently with node:crypto, the way Stripe documents it.
const hmac = (secret: string, t: number | string, raw: Uint8Array) =>
  createHmac("sha256", secret).update(`${t}.`).update(raw).digest("hex");

describe("verifyStripeSignature", () => {
  it("accepts Stripe's scheme: v1 = hex HMAC-SHA256 of `${t}.${rawBody}` with the secret as-is", async () => {
    const header = `t=${T},v1=${hmac(SECRET, T, body)}`;
    expect(await verifyStripeSignature(header, body, SECRET, NOW)).toEqual({ ok: true, timestamp: T });
    expect(await stripeSignatureHeader(SECRET, body, T)).toBe(header);
  });

  it("accepts any one of several v1 values (secret roll) and ignores v0 and unknown parts", async () => {
    const good = hmac(SECRET, T, body);
    const header = `t=${T}, v1=${hmac("whsec_old", T, body)},v0=${good}, v1=${good},scheme=x`;
    expect(await verifyStripeSignature(header, body, SECRET, NOW)).toMatchObject({ ok: true });
  });

  it("checks the exact bytes: whitespace or invalid UTF-8 that a re-encode would change still verifies, a changed byte does not", async () => {
    const odd = new Uint8Array([0x7b, 0x20, 0xff, 0xfe, 0x0d, 0x0a, 0x7d]);
    expect(await verifyStripeSignature(`t=${T},v1=${hmac(SECRET, T, odd)}`, odd, SECRET, NOW)).toMatchObject({ ok: true });
    const tampered = Uint8Array.from(body);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    const res = await verifyStripeSignature(`t=${T},v1=${hmac(SECRET, T, body)}`, tampered, SECRET, NOW);
    expect(res).toEqual({ ok: false, reason: expect.stringContaining("does not match") });
  });

  it("refuses a wrong secret, and a signature over another timestamp", async () => {
    expect(await verifyStripeSignature(`t=${T},v1=${hmac("whsec_other", T, body)}`, body, SECRET, NOW)).toMatchObject({ ok: false });
    expect(await verifyStripeSignature(`t=${T},v1=${hmac(SECRET, T - 1, body)}`, body, SECRET, NOW)).toMatchObject({ ok: false });
  });

  it.each([
    ["5 minutes old", -300, true],
    ["5 minutes ahead", 300, true],
    ["5 min 1 s old", -301, false],
    ["5 min 1 s ahead", 301, false],
    ["a day old", -86_400, false],
  ])("timestamp %s → ok=%s (5-minute tolerance both ways)", async (_label, offset, ok) => {
    const t = T + offset;
    const res = await verifyStripeSignature(`t=${t},v1=${hmac(SECRET, t, body)}`, body, SECRET, NOW);
    expect(res.ok).toBe(ok);
    if (!res.ok) expect(res.reason).toContain("300 s");
  });

  it.each([
    ["missing", null, "missing Stripe-Signature"],
    ["empty", "  ", "missing Stripe-Signature"],
    ["no timestamp", `v1=${"a".repeat(64)}`, "t=<unix seconds>"],
    ["non-numeric timestamp", `t=soon,v1=${"a".repeat(64)}`, "t=<unix seconds>"],
    ["no v1", `t=${T},v0=${"a".repeat(64)}`, "no v1"],
    ["v1 not hex", `t=${T},v1=zz${"a".repeat(62)}`, "no v1"],
    ["v1 too short", `t=${T},v1=abcd`, "no v1"],
  ])("refuses a %s header with a reason", async (_label, header, reason) => {
    const res = await verifyStripeSignature(header, body, SECRET, NOW);
    expect(res).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe("verifyStripeSignature against a forger burning CPU", () => {
  /** Counts every HMAC WebCrypto computes (each one hashes the whole body). */
  async function countingHmacs<T>(fn: () => Promise<T>): Promise<{ result: T; hmacs: number }> {
    const sign = vi.spyOn(crypto.subtle, "sign");
    const verify = vi.spyOn(crypto.subtle, "verify");
    try {
      const result = await fn();
      return { result, hmacs: sign.mock.calls.length + verify.mock.calls.length };
    } finally {
      sign.mockRestore();
      verify.mockRestore();
    }
  }
  const big = new Uint8Array(1024 * 1024).fill(0x20);
  const wrongSigs = (n: number) => Array.from({ length: n }, (_, i) => `v1=${i.toString(16).padStart(64, "0")}`).join(",");

  it("a header with 480 wrong v1= entries over a 1 MiB body is refused without computing 480 HMACs", async () => {
    const header = `t=${T},${wrongSigs(480)}`;
    const { result, hmacs } = await countingHmacs(() => verifyStripeSignature(header, big, SECRET, NOW));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("characters") });
    expect(hmacs).toBe(0);
  });

  it("more than 4 v1= entries in a short header are refused before any HMAC", async () => {
    const header = `t=${T},${wrongSigs(5)}`;
    const { result, hmacs } = await countingHmacs(() => verifyStripeSignature(header, big, SECRET, NOW));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("at most 4 v1") });
    expect(hmacs).toBe(0);
  });

  it("4 v1= entries (a secret roll) hash the body once, and the right one still verifies", async () => {
    const header = `t=${T},${wrongSigs(3)},v1=${hmac(SECRET, T, big)}`;
    const { result, hmacs } = await countingHmacs(() => verifyStripeSignature(header, big, SECRET, NOW));
    expect(result).toEqual({ ok: true, timestamp: T });
    expect(hmacs).toBe(1);
  });

  it("a header longer than Stripe ever sends is refused before any parsing or HMAC", async () => {
    const header = `t=${T},v1=${hmac(SECRET, T, body)},${"x=y,".repeat(300)}`;
    const { result, hmacs } = await countingHmacs(() => verifyStripeSignature(header, body, SECRET, NOW));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("characters") });
    expect(hmacs).toBe(0);
  });
});
