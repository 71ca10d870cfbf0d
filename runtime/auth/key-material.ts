import { sha256Hex } from "./sha256";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `n` characters of base62 from the CSPRNG, without modulo bias. */
export function randomBase62(n: number): string {
  let out = "";
  while (out.length < n) {
    const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < n) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export type KeyMode = "live" | "test";

/**
 * A secret is `qlk_<mode>_` + 26 random base62 characters (~154 bits) + a 6-character
 * checksum of everything before it. The checksum lets the edge refuse a random or mistyped
 * string without a D1 or KV read; it is not a secret (anyone can compute it), so it
 * filters typos and blind floods, not a determined attacker (the rate limits do that).
 */
const RANDOM_CHARS = 26;
const CHECKSUM_CHARS = 6;
const KEY_SHAPE = /^qlk_(live|test)_[0-9A-Za-z]{32}$/;

/** A new secret: `qlk_<mode>_` + 26 random characters + their checksum (32 after the prefix). */
export function newSecret(mode: KeyMode): string {
  const body = `qlk_${mode}_${randomBase62(RANDOM_CHARS)}`;
  return body + keyChecksum(body);
}

/**
 * What a presented secret is, before any lookup. `no_checksum` is a well-formed string whose
 * last 6 characters are not the checksum: a typo, a truncated copy, a random string, or a
 * key minted before checksums existed (the project was pre-release; such keys are re-minted).
 */
export type KeyShape = "ok" | "malformed" | "no_checksum";

export function checkKeyShape(secret: string): KeyShape {
  if (!KEY_SHAPE.test(secret)) return "malformed";
  const cut = secret.length - CHECKSUM_CHARS;
  return keyChecksum(secret.slice(0, cut)) === secret.slice(cut) ? "ok" : "no_checksum";
}

/** CRC-32 of the text as 6 base62 characters (62^6 > 2^32, so every value fits). */
export function keyChecksum(body: string): string {
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib) over the string's char codes; keys are ASCII. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) c = (CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The visible start of a secret, enough to recognise it in a list. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 13);
}

/** Hex SHA-256: what D1 and KV store instead of the secret (synchronous: see sha256.ts). */
export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(24)}`;
}
