// HMAC-SHA256 with a text secret, the one primitive of both webhook signatures Gatehouse deals
// in: Stripe's deliveries to it (stripe-signature.ts) and its own calls of a tenant's webhook
// tools (tools-api/webhook-call.ts), each signing `<timestamp>.<body>`.
const enc = new TextEncoder();

export async function hmacSha256(secret: string, message: Uint8Array | string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, typeof message === "string" ? enc.encode(message) : message));
}
