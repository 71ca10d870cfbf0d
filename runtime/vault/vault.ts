// Sealing end users' connector credentials: AES-GCM-256 under a per-tenant key, bound to the
// row it belongs to. The only module that sees a credential in clear besides the executor.
import { additionalData, type VaultBinding } from "./binding";
import { fromUtf8, utf8 } from "./encoding";
import { keyById, tenantKey, type Keyring } from "./keyring";
import { formatRecord, IV_BYTES, parseRecord, RECORD_VERSION } from "./record";

export type { VaultBinding } from "./binding";
export { keyringOf, readKeyring, type Keyring, type VaultSecrets } from "./keyring";

/** A credential as stored: a JSON object (api_key, username/password, OAuth tokens, …). */
export type Secret = Record<string, unknown>;

/**
 * Why a record did not open. Messages never carry the record, the plaintext or a key; the
 * edge decides what the caller sees (usually "reconnect this account").
 */
export type VaultErrorReason = "malformed" | "unknown_key" | "rejected";

export class VaultError extends Error {
  override readonly name = "VaultError";
  constructor(
    readonly reason: VaultErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Seals `secret` for `binding` under the current key; a fresh random IV every time. */
export async function seal(keyring: Keyring, binding: VaultBinding, secret: Secret): Promise<string> {
  const key = keyring.current;
  const aad = additionalData(RECORD_VERSION, key.id, binding);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const aes = await tenantKey(key, binding.tenantId);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, aes, utf8(JSON.stringify(secret))));
  return formatRecord({ keyId: key.id, iv, ciphertext });
}

/** Opens a record sealed for exactly `binding`, under the current or a previous key. */
export async function open(keyring: Keyring, record: string, binding: VaultBinding): Promise<Secret> {
  const parts = parseRecord(record);
  if (typeof parts === "string") throw new VaultError("malformed", `the vault record is not a sealed record: ${parts}`);
  const key = keyById(keyring, parts.keyId);
  if (!key) {
    throw new VaultError(
      "unknown_key",
      `the vault record was sealed under key ${parts.keyId}, which is neither VAULT_KEY nor VAULT_KEY_PREVIOUS; restore that key as VAULT_KEY_PREVIOUS or have the end user reconnect`,
    );
  }
  const aad = additionalData(RECORD_VERSION, parts.keyId, binding);
  const aes = await tenantKey(key, binding.tenantId);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: parts.iv, additionalData: aad }, aes, parts.ciphertext);
  } catch {
    // GCM cannot say which: another tenant, end user, connector or connection, or altered bytes.
    throw new VaultError("rejected", "the vault record does not open for this connection: it was sealed for another tenant, end user, connector or connection, or it was altered");
  }
  const secret: unknown = JSON.parse(fromUtf8(new Uint8Array(plaintext)));
  if (typeof secret !== "object" || secret === null || Array.isArray(secret)) throw new VaultError("malformed", "the vault record does not hold a JSON object");
  return secret as Secret;
}

/**
 * Rotation's step for one row (`npm run admin -- rotate-vault-key`): opens the record (so a
 * broken one is found now, not at the next tool call) and seals it under the current key.
 * A record already under the current key comes back unchanged, so a rerun writes nothing.
 */
export async function reseal(keyring: Keyring, record: string, binding: VaultBinding): Promise<string> {
  const secret = await open(keyring, record, binding);
  const parts = parseRecord(record);
  if (typeof parts !== "string" && parts.keyId === keyring.current.id) return record;
  return seal(keyring, binding, secret);
}
