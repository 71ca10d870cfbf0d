// Bytes joined, and bytes as text: lower-case hex, and the hex SHA-256 of a UTF-8 string (WebCrypto's, async).
// Shared by the vault, the webhook signatures, connect tokens, search scope tokens, the erased
// end users' pseudonyms and random ids, so none keeps its own hex loop.
// (Key hashing on the request path uses the synchronous auth/sha256.ts instead.)

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** `Uint8Array [0xab, 0x01]` → `"ab01"`. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

/** Hex SHA-256 of `text` encoded as UTF-8 (64 characters). */
export async function sha256HexOf(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

/** The parts one after another, in one new array (the stream relay, the SSE framer, the body reader). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
