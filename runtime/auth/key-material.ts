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

/** A new secret: `qlk_<mode>_` + 32 base62 characters (~190 bits). */
export function newSecret(mode: KeyMode): string {
  return `qlk_${mode}_${randomBase62(32)}`;
}

/** The visible start of a secret, enough to recognise it in a list. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 13);
}

export function looksLikeKey(secret: string): boolean {
  return /^qlk_(live|test)_[0-9A-Za-z]{16,128}$/.test(secret);
}

/** Hex SHA-256: what D1 and KV store instead of the secret (synchronous: see sha256.ts). */
export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(24)}`;
}
