// What a master key may do to its tenant's keys, with the Wallet as the one authority for
// cap and revocation: every edit writes the Wallet first, then D1's copy (see
// key-authority.ts). A copy that cannot be written answers 503 after the change is in
// force; repeating the edit is safe and completes it.
import { forgetKey } from "../auth/key-store";
import { findTenantKey, insertKey, writeKeyCopy, type KeyRow } from "../db/api-keys";
import { ApiError, notFound } from "../errors";
import { keyChanged } from "../gateway/billing";
import { walletFor } from "../wallet/stub";
import { reconcile, withRetries } from "./key-authority";
import { keyModeFor, mintKey, type NewKey } from "./key-mint";

/** The edit of PATCH: `undefined` leaves a field as it is; a cap of `null` removes it. */
export interface KeyEdit {
  name?: string;
  max_spend_micros?: number | null;
}

export async function createKey(env: Env, tenantId: string, key: NewKey): Promise<{ row: KeyRow; secret: string }> {
  const { row, secret } = mintKey(keyModeFor(env.ENVIRONMENT), key, Date.now());
  // The wallet learns the cap first: a key must never exist in D1 without its cap in force.
  // If the insert fails, the Wallet knows a key no secret was ever shown for: harmless.
  await walletFor(env.WALLET, tenantId).upsertKey(row.id, row.max_spend_micros);
  await insertKey(env.DB, tenantId, row);
  return { row, secret };
}

export async function updateKey(env: Env, tenantId: string, id: string, edit: KeyEdit): Promise<KeyRow> {
  const row = await findTenantKey(env.DB, tenantId, id);
  if (!row || row.revoked_at !== null) throw notFound(`no key ${id} in this tenant`);
  const wallet = walletFor(env.WALLET, tenantId);
  // The Wallet's cap and revocation are the key's; D1's may lag a failed edit.
  const truth = reconcile({ max_spend_micros: row.max_spend_micros, revoked: false }, await wallet.keyState(id));
  if (truth.revoked) {
    await writeCopy(env, tenantId, row, truth);
    throw notFound(`no key ${id} in this tenant (it was revoked)`);
  }
  const cap = edit.max_spend_micros === undefined ? truth.max_spend_micros : edit.max_spend_micros;
  if (cap !== truth.max_spend_micros) {
    await wallet.upsertKey(id, cap);
    keyChanged(tenantId, id);
  }
  const next: KeyRow = { ...row, name: edit.name ?? row.name, max_spend_micros: cap };
  await writeCopy(env, tenantId, row, { max_spend_micros: cap, revoked: false }, next.name);
  return next;
}

/** Idempotent: revoking a revoked key answers the same, and completes a copy a failure left behind. */
export async function revokeKey(env: Env, tenantId: string, id: string): Promise<void> {
  const row = await findTenantKey(env.DB, tenantId, id);
  if (!row) throw notFound(`no key ${id} in this tenant`);
  // The wallet refuses the key's billable requests even where a cache is stale: this
  // isolate's lease at once, other isolates' at their next re-check (gateway/leases.ts).
  const state = await walletFor(env.WALLET, tenantId).revokeKey(id);
  keyChanged(tenantId, id);
  // Refused in this isolate from here on, even if the D1 copy below fails.
  await forgetKey(env, row.hash, { revoked: true });
  await writeCopy(env, tenantId, row, { max_spend_micros: state.cap_micros, revoked: true });
}

/** D1's copy after the Wallet changed; every way out of here leaves no cached old copy. */
async function writeCopy(env: Env, tenantId: string, row: KeyRow, copy: { max_spend_micros: number | null; revoked: boolean }, name?: string): Promise<void> {
  try {
    await withRetries(() => writeKeyCopy(env.DB, tenantId, row.id, copy, name));
  } catch (e) {
    console.error(`key ${row.id}: D1 copy of the Wallet's state failed:`, e);
    throw new ApiError(
      "internal",
      "the change is in force, but the key list could not be updated; retry the same request (it is safe to repeat)",
      { status: 503 },
    );
  } finally {
    await forgetKey(env, row.hash, { revoked: copy.revoked });
  }
}
