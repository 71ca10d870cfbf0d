// Bytes ⇄ text for the vault, with only what both workerd and node ≥ 20 have (atob/btoa):
// base64url without padding for records (safe in a TEXT column and a URL), and a strict
// base64 reader for the VAULT_KEY secrets.

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url without padding; undefined for anything else (a record that is not ours). */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  return decode(text.replace(/-/g, "+").replace(/_/g, "/"));
}

/**
 * Decodes a secret written as base64 (standard, as `openssl rand -base64 32` prints it, or
 * url-safe; padding optional). Strict, because atob forgives whitespace and stray padding and a
 * pasted secret with a typo should be refused, not silently shortened.
 */
export function fromBase64Secret(text: string): Uint8Array<ArrayBuffer> | undefined {
  const body = text.replace(/={1,2}$/, "");
  if (!/^[A-Za-z0-9+/_-]+$/.test(body) || body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined;
  return decode(body.replace(/-/g, "+").replace(/_/g, "/"));
}

function decode(base64: string): Uint8Array<ArrayBuffer> | undefined {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

