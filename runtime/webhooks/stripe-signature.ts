// Stripe webhook signatures, pure (WebCrypto only, so it runs in node tests and in workerd):
// `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each v1 is the hex
// HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint's signing secret (`whsec_…`,
// used as-is). Several v1 values appear while a secret is being rolled; any may match.

/** How far `t` may be from the server's clock, either way (Stripe's default). */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

const enc = new TextEncoder();
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Verifies a delivery against the raw bytes Stripe sent. The comparison is
 * `crypto.subtle.verify`, which is constant-time, so a forger learns nothing from timing.
 */
export async function verifyStripeSignature(
  header: string | null,
  rawBody: Uint8Array,
  secret: string,
  nowMs: number,
  toleranceSeconds = STRIPE_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!header || header.trim() === "") return { ok: false, reason: "missing Stripe-Signature header" };
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t") t = value;
    else if (name === "v1") v1.push(value.toLowerCase());
  }
  if (t === undefined || !/^\d{1,15}$/.test(t)) {
    return { ok: false, reason: "Stripe-Signature has no valid t=<unix seconds> timestamp" };
  }
  const candidates = v1.filter((s) => HEX_SHA256.test(s));
  if (candidates.length === 0) return { ok: false, reason: "Stripe-Signature has no v1=<hex HMAC-SHA256> signature" };
  const timestamp = Number(t);
  const skew = Math.abs(nowMs / 1000 - timestamp);
  if (skew > toleranceSeconds) {
    return {
      ok: false,
      reason: `Stripe-Signature timestamp ${t} is ${Math.round(skew)} s from the server's clock; at most ${toleranceSeconds} s is accepted (replayed or stale delivery)`,
    };
  }
  const key = await hmacKey(secret, "verify");
  const signed = signedPayload(t, rawBody);
  for (const sig of candidates) {
    if (await crypto.subtle.verify("HMAC", key, hexToBytes(sig), signed)) return { ok: true, timestamp };
  }
  return { ok: false, reason: "Stripe-Signature does not match the body: check STRIPE_WEBHOOK_SECRET is this endpoint's signing secret" };
}

/** The header Stripe would send for `rawBody` at `timestampSeconds` (tests, local tooling). */
export async function stripeSignatureHeader(secret: string, rawBody: Uint8Array | string, timestampSeconds: number): Promise<string> {
  const t = String(Math.floor(timestampSeconds));
  const body = typeof rawBody === "string" ? enc.encode(rawBody) : rawBody;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedPayload(t, body));
  return `t=${t},v1=${bytesToHex(new Uint8Array(mac))}`;
}

function hmacKey(secret: string, use: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [use]);
}

/** `<t>.` followed by the body's exact bytes (never re-encoded). */
function signedPayload(t: string, rawBody: Uint8Array): Uint8Array {
  const prefix = enc.encode(`${t}.`);
  const out = new Uint8Array(prefix.byteLength + rawBody.byteLength);
  out.set(prefix, 0);
  out.set(rawBody, prefix.byteLength);
  return out;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
