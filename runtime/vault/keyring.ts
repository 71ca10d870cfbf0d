// The vault's keys: VAULT_KEY (current, seals) and VAULT_KEY_PREVIOUS (opens only, during a
// rotation), each the base64 of ≥ 32 random bytes, and the per-tenant AES keys derived from them.
// A bad secret is an operator error that names the var and never echoes its value.
import { ApiError } from "../errors";
import { toHex } from "../bytes";
import { fromBase64Secret, utf8 } from "./encoding";

const MIN_KEY_BYTES = 32;

/** One root secret, imported for HKDF only; the raw bytes are not kept. */
export interface VaultKey {
  /** First 8 hex of SHA-256 of the raw key, stored in each record. Identifies, reveals nothing. */
  readonly id: string;
  /** The full SHA-256 hex: keys the derived-key cache, so two keys whose short ids collide never share an entry. */
  readonly fingerprint: string;
  readonly material: CryptoKey;
}

export interface Keyring {
  /** Seals every new record. */
  readonly current: VaultKey;
  /** Open records sealed before a rotation; none seals. */
  readonly previous: readonly VaultKey[];
}

/** The env vars the vault reads (a subset of the Worker's Env). */
export interface VaultSecrets {
  VAULT_KEY?: unknown;
  VAULT_KEY_PREVIOUS?: unknown;
}

function misconfigured(name: string, problem: string): ApiError {
  return new ApiError(
    "internal",
    `Gatehouse is misconfigured: ${name} ${problem}; it must be the base64 of at least ${MIN_KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`), set with \`wrangler secret put ${name}\``,
  );
}

async function importKey(name: string, text: string): Promise<VaultKey> {
  const raw = fromBase64Secret(text);
  if (!raw) throw misconfigured(name, "is not valid base64");
  if (raw.length < MIN_KEY_BYTES) throw misconfigured(name, `decodes to ${raw.length} bytes`);
  const fingerprint = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", raw)));
  const material = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  raw.fill(0);
  return { id: fingerprint.slice(0, 8), fingerprint, material };
}

/** Builds the keyring from the secrets; throws an internal ApiError naming the bad var. */
export async function readKeyring(secrets: VaultSecrets): Promise<Keyring> {
  const current = secrets.VAULT_KEY;
  if (typeof current !== "string" || current.trim() === "") throw misconfigured("VAULT_KEY", "is not set");
  const key = await importKey("VAULT_KEY", current.trim());
  const previous: VaultKey[] = [];
  const old = typeof secrets.VAULT_KEY_PREVIOUS === "string" ? secrets.VAULT_KEY_PREVIOUS : "";
  // Comma-separated, so a second rotation can start before the first one's re-seal finished.
  for (const text of old.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const prior = await importKey("VAULT_KEY_PREVIOUS", text);
    if (prior.fingerprint !== key.fingerprint && !previous.some((p) => p.fingerprint === prior.fingerprint)) previous.push(prior);
  }
  return { current: key, previous };
}

const keyrings = new WeakMap<object, Promise<Keyring>>();

/** readKeyring, once per env object (an isolate's env is the same object on every request). */
export function keyringOf(env: VaultSecrets): Promise<Keyring> {
  let keyring = keyrings.get(env);
  if (!keyring) {
    keyring = readKeyring(env);
    keyrings.set(env, keyring);
  }
  return keyring;
}

/** The key that sealed a record with this id, if the keyring still holds it. */
export function keyById(keyring: Keyring, id: string): VaultKey | undefined {
  return [keyring.current, ...keyring.previous].find((key) => key.id === id);
}

// Derived keys per isolate: HKDF is cheap but not free, and every tool call opens a record.
// Promises are cached so concurrent first calls derive once. Bounded: oldest entry goes first.
const MAX_DERIVED = 10_000;
const derived = new Map<string, Promise<CryptoKey>>();

/** The tenant's AES-GCM-256 key under `key`: HKDF-SHA-256 with the tenant id in `info`. */
export function tenantKey(key: VaultKey, tenantId: string): Promise<CryptoKey> {
  const cacheKey = `${key.fingerprint}:${tenantId}`;
  const hit = derived.get(cacheKey);
  if (hit) return hit;
  const promise = crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8("gatehouse-vault"), info: utf8(JSON.stringify(["gatehouse-vault/tenant", tenantId])) },
    key.material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  promise.catch(() => derived.delete(cacheKey));
  if (derived.size >= MAX_DERIVED) derived.delete(derived.keys().next().value as string);
  derived.set(cacheKey, promise);
  return promise;
}

/** How many derived keys this isolate holds (tests check the cache is used). */
export function derivedKeyCount(): number {
  return derived.size;
}
