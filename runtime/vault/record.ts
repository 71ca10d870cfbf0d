// The stored form of a sealed secret: `v1.<key id>.<iv>.<ciphertext>`, one ASCII string for a
// TEXT column. The key id says which VAULT_KEY sealed it (rotation); iv and ciphertext
// (AES-GCM output, tag included) are base64url without padding.
import { fromBase64url, toBase64url } from "./encoding";

export const RECORD_VERSION = "v1";
export const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedParts {
  keyId: string;
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

export function formatRecord(parts: SealedParts): string {
  return [RECORD_VERSION, parts.keyId, toBase64url(parts.iv), toBase64url(parts.ciphertext)].join(".");
}

/** The parts of a record, or a sentence saying why it is not one (never quoting it). */
export function parseRecord(record: string): SealedParts | string {
  const fields = record.split(".");
  if (fields.length !== 4) return `expected 4 dot-separated fields, got ${fields.length}`;
  const [version, keyId, iv, ciphertext] = fields as [string, string, string, string];
  if (version !== RECORD_VERSION) return `unknown format version (this Gatehouse reads ${RECORD_VERSION})`;
  if (!/^[0-9a-f]{8}$/.test(keyId)) return "the key id is not 8 hex digits";
  const ivBytes = fromBase64url(iv);
  if (!ivBytes || ivBytes.length !== IV_BYTES) return `the IV is not ${IV_BYTES} bytes of base64url`;
  const ciphertextBytes = fromBase64url(ciphertext);
  if (!ciphertextBytes || ciphertextBytes.length < TAG_BYTES) return "the ciphertext is not base64url of at least one tag";
  return { keyId, iv: ivBytes, ciphertext: ciphertextBytes };
}
