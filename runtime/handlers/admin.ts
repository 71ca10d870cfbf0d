import { hashSecret, newId, newSecret, secretPrefix } from "../auth/key-material";
import { ApiError, notFound } from "../errors";
import type { AppHandlers } from "../router";
import { walletFor } from "../wallet/stub";

/** The ledger ref of a tenant's initial credit: derived from its id, so a retried create credits once. */
export const initialCreditRef = (tenantId: string) => `tenant-create:${tenantId}`;

export const adminHandlers: Pick<AppHandlers, "adminCreateTenant" | "adminCreditTenant"> = {
  /**
   * The credit is booked before the tenant is written, never after: a failed credit leaves
   * nothing behind, and a create that fails after its credit is completed by its retry (same
   * ref, same amount: the Wallet applies it once). So no tenant exists without its credit.
   * An id that is already taken is refused before any money moves. (Two creates of the same
   * id racing, one with and one without a credit, can still credit the winner: admin only.)
   */
  async adminCreateTenant({ body }, ctx) {
    const { env } = ctx;
    const id = body.id ?? newId("tn").toLowerCase();
    const exists = await env.DB.prepare("SELECT id FROM tenants WHERE id = ?").bind(id).first();
    if (exists) throw tenantExists(id);
    if (body.initial_credit_micros) await credit(env, id, body.initial_credit_micros, initialCreditRef(id), "initial credit", "body.initial_credit_micros");
    const now = Date.now();
    const secret = newSecret(env.ENVIRONMENT === "production" ? "live" : "test");
    const key = {
      id: newId("key"),
      prefix: secretPrefix(secret),
      name: "master",
      scope: "master" as const,
      end_user_id: null,
      max_spend_usd: null,
      created_at: now,
      last_used_at: null,
    };
    // One batch: the tenant and its master key are written together or not at all.
    try {
      await env.DB.batch([
        env.DB.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)").bind(id, body.name, now),
        env.DB.prepare(
          "INSERT INTO api_keys (id, tenant_id, hash, prefix, name, scope, end_user_id, max_spend_micros, created_at) VALUES (?, ?, ?, ?, ?, 'master', NULL, NULL, ?)",
        ).bind(key.id, id, hashSecret(secret), key.prefix, key.name, now),
      ]);
    } catch (e) {
      if (String(e).includes("UNIQUE")) throw tenantExists(id);
      throw e;
    }
    return { status: 201, body: { id, name: body.name, created_at: now, master_key: { ...key, secret } } };
  },

  async adminCreditTenant({ params, body }, ctx) {
    const tenant = await ctx.env.DB.prepare("SELECT id FROM tenants WHERE id = ?").bind(params.id).first();
    if (!tenant) throw notFound(`no tenant ${params.id}`);
    const result = await credit(ctx.env, params.id, body.amount_micros, body.ref, body.note, "body.ref");
    return { status: 200, body: { applied: result.applied, balance_micros: result.balance.balance_micros } };
  },
};

function tenantExists(id: string): ApiError {
  return new ApiError("conflict", `tenant ${id} already exists; choose another id, or credit it with POST /v1/admin/tenants/${id}/credit`, "body.id");
}

/**
 * Credits the tenant's wallet. A ref already credited with another amount is the caller's
 * conflict (409), not a server error: the Wallet refuses it (Ledger.credit) with a message
 * that names the amount first booked, which is passed on.
 */
async function credit(env: Env, tenantId: string, amountMicros: number, ref: string, note: string | undefined, param: string) {
  try {
    return await walletFor(env.WALLET, tenantId).credit(amountMicros, ref, note);
  } catch (e) {
    // RPC keeps an error's message, not its class: the Ledger's wording is what identifies a reused ref.
    const message = e instanceof Error ? e.message : "";
    if (/was already credited with \d+ micro-dollars/.test(message)) throw new ApiError("conflict", message, param);
    throw e;
  }
}
