import { hashSecret, newId, newSecret, secretPrefix } from "../auth/key-material";
import { ApiError, notFound } from "../errors";
import type { AppHandlers } from "../router";
import { walletFor } from "../wallet/stub";

export const adminHandlers: Pick<AppHandlers, "adminCreateTenant" | "adminCreditTenant"> = {
  async adminCreateTenant({ body }, ctx) {
    const { env } = ctx;
    const id = body.id ?? newId("tn").toLowerCase();
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
      if (String(e).includes("UNIQUE")) throw new ApiError("conflict", `tenant ${id} already exists`, "body.id");
      throw e;
    }
    if (body.initial_credit_micros) {
      await walletFor(env.WALLET, id).credit(body.initial_credit_micros, `tenant-create:${id}`, "initial credit");
    }
    return { status: 201, body: { id, name: body.name, created_at: now, master_key: { ...key, secret } } };
  },

  async adminCreditTenant({ params, body }, ctx) {
    const tenant = await ctx.env.DB.prepare("SELECT id FROM tenants WHERE id = ?").bind(params.id).first();
    if (!tenant) throw notFound(`no tenant ${params.id}`);
    const result = await walletFor(ctx.env.WALLET, params.id).credit(body.amount_micros, body.ref, body.note);
    return { status: 200, body: { applied: result.applied, balance_micros: result.balance.balance_micros } };
  },
};
