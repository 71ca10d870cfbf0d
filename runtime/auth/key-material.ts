import { createHash } from "node:crypto";

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

/**
 * Hex SHA-256: what D1 and KV store instead of the secret. Synchronous (`node:crypto`, which
 * nodejs_compat provides natively in workerd): it runs on every authenticated request, and
 * WebCrypto's digest costs a promise and a trip back into the isolate for 32 bytes.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(24)}`;
}
