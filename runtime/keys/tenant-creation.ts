// A tenant is born with its master key: the one place both are made. The admin route,
// `npm start`'s dev tenant (scripts/start.ts, through the statements of db/tenants.ts) and
// the workers tests' seed all build them with newTenant.
import { newId, newSecret } from "../auth/key-material";
import type { KeyRow } from "../db/api-keys";
import { insertTenantWithMasterKey, tenantExists, type TenantRow } from "../db/tenants";
import { ApiError, notFound } from "../errors";
import { walletFor } from "../wallet/stub";
import { keyModeFor, keyRowFor, masterKey } from "./key-mint";

export interface NewTenant {
  tenant: TenantRow;
  master: KeyRow;
}

/**
 * A tenant and the row of its master key, for a secret already chosen (npm start keeps its
 * dev key in .dev.vars across runs). Pure: nothing is written.
 */
export function newTenant(t: { id: string; name: string; secret: string; nowMs: number; keyId?: string; keyName?: string }): NewTenant {
  return {
    tenant: { id: t.id, name: t.name, created_at: t.nowMs },
    master: keyRowFor(t.secret, masterKey(t.keyName), t.nowMs, t.keyId),
  };
}

/** The ledger ref of a tenant's initial credit: derived from its id, so a retried create credits once. */
export const initialCreditRef = (tenantId: string) => `tenant-create:${tenantId}`;

/**
 * Creates a tenant with its master key (the secret is returned once, never stored).
 *
 * The initial credit is booked before the tenant is written, never after: a failed credit
 * leaves nothing behind, and a create that fails after its credit is completed by its retry
 * (same ref, same amount: the Wallet applies it once). So no tenant exists without its
 * credit. An id that is already taken is refused before any money moves. (Two creates of the
 * same id racing, one with and one without a credit, can still credit the winner: admin only.)
 */
export async function createTenant(
  env: Env,
  input: { id?: string; name: string; initialCreditMicros?: number },
): Promise<NewTenant & { secret: string }> {
  const id = input.id ?? newId("tn").toLowerCase();
  if (await tenantExists(env.DB, id)) throw tenantTaken(id);
  if (input.initialCreditMicros) {
    await creditWallet(env, id, input.initialCreditMicros, initialCreditRef(id), "initial credit", "body.initial_credit_micros");
  }
  const secret = newSecret(keyModeFor(env.ENVIRONMENT));
  const created = newTenant({ id, name: input.name, secret, nowMs: Date.now() });
  // One batch: the tenant and its master key are written together or not at all.
  if ((await insertTenantWithMasterKey(env.DB, created.tenant, created.master)) === "exists") throw tenantTaken(id);
  return { ...created, secret };
}

/** Credits an existing tenant's wallet; an unknown tenant is a 404 and moves no money. */
export async function creditTenant(env: Env, tenantId: string, credit: { amountMicros: number; ref: string; note?: string }) {
  if (!(await tenantExists(env.DB, tenantId))) throw notFound(`no tenant ${tenantId}`);
  return creditWallet(env, tenantId, credit.amountMicros, credit.ref, credit.note, "body.ref");
}

function tenantTaken(id: string): ApiError {
  return new ApiError("conflict", `tenant ${id} already exists; choose another id, or credit it with POST /v1/admin/tenants/${id}/credit`, { param: "body.id" });
}

/**
 * A ref already credited with another amount is the caller's conflict (409), not a server
 * error: the Wallet refuses it (Ledger.credit) with a message that names the amount first
 * booked, which is passed on.
 */
async function creditWallet(env: Env, tenantId: string, amountMicros: number, ref: string, note: string | undefined, param: string) {
  try {
    return await walletFor(env.WALLET, tenantId).credit(amountMicros, ref, note);
  } catch (e) {
    // RPC keeps an error's message, not its class: the Ledger's wording is what identifies a reused ref.
    const message = e instanceof Error ? e.message : "";
    if (/was already credited with \d+ micro-dollars/.test(message)) throw new ApiError("conflict", message, { param });
    throw e;
  }
}
