// Stripe webhook signatures, pure (WebCrypto only, so it runs in node tests and in workerd):
// `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each v1 is the hex
// HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint's signing secret (`whsec_…`,
// used as-is). Several v1 values appear while a secret is being rolled; any may match.
//
// The endpoint is unauthenticated until this check passes, so its cost is bounded for a
// forger: the header's length and its number of v1 values are capped before any work, and
// the body (up to 1 MiB) is hashed once, however many v1 values there are.

import { toHex } from "../bytes";
import { hmacSha256 } from "./hmac";

/** How far `t` may be from the server's clock, either way (Stripe's default). */
export const STRIPE_TOLERANCE_SECONDS = 300;
/** Stripe sends one v1, two while a secret is rolled; a few more leave room, thousands are an attack. */
export const MAX_V1_SIGNATURES = 4;
/** t, four v1 and a v0 take ≈ 360 characters. */
export const MAX_SIGNATURE_HEADER_CHARS = 1024;

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

const enc = new TextEncoder();
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Verifies a delivery against the raw bytes Stripe sent. The body's HMAC is computed once
 * and compared with each candidate in constant time, so a forger learns nothing from timing.
 */
export async function verifyStripeSignature(
  header: string | null,
  rawBody: Uint8Array,
  secret: string,
  nowMs: number,
  toleranceSeconds = STRIPE_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!header || header.trim() === "") return { ok: false, reason: "missing Stripe-Signature header" };
  if (header.length > MAX_SIGNATURE_HEADER_CHARS) {
    return { ok: false, reason: `Stripe-Signature is ${header.length} characters; at most ${MAX_SIGNATURE_HEADER_CHARS} are accepted` };
  }
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
  if (v1.length > MAX_V1_SIGNATURES) {
    return { ok: false, reason: `Stripe-Signature has ${v1.length} v1 signatures; at most ${MAX_V1_SIGNATURES} v1 are examined` };
  }
  const timestamp = Number(t);
  const skew = Math.abs(nowMs / 1000 - timestamp);
  if (skew > toleranceSeconds) {
    return {
      ok: false,
      reason: `Stripe-Signature timestamp ${t} is ${Math.round(skew)} s from the server's clock; at most ${toleranceSeconds} s is accepted (replayed or stale delivery)`,
    };
  }
  const expected = await hmacSha256(secret, signedPayload(t, rawBody));
  // Every candidate is compared in full, so the time taken says nothing about which bytes matched.
  let matched = false;
  for (const sig of candidates) matched = constantTimeEqual(expected, hexToBytes(sig)) || matched;
  if (matched) return { ok: true, timestamp };
  return { ok: false, reason: "Stripe-Signature does not match the body: check STRIPE_WEBHOOK_SECRET is this endpoint's signing secret" };
}

/** The header Stripe would send for `rawBody` at `timestampSeconds` (tests, local tooling). */
export async function stripeSignatureHeader(secret: string, rawBody: Uint8Array | string, timestampSeconds: number): Promise<string> {
  const t = String(Math.floor(timestampSeconds));
  const body = typeof rawBody === "string" ? enc.encode(rawBody) : rawBody;
  return `t=${t},v1=${toHex(await hmacSha256(secret, signedPayload(t, body)))}`;
}

/** Looks at every byte whatever the first difference (both are 32 bytes here). */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
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

