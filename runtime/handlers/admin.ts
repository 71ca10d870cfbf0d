import { resealPage } from "../connections/vault-reseal";
import { keyView } from "../keys/key-view";
import { createTenant, creditTenant } from "../keys/tenant-creation";
import type { AppHandlers } from "../router";

export const adminHandlers: Pick<AppHandlers, "adminCreateTenant" | "adminCreditTenant" | "adminResealVault"> = {
  async adminCreateTenant({ body }, ctx) {
    const { tenant, master, secret } = await createTenant(ctx.env, { id: body.id, name: body.name, initialCreditMicros: body.initial_credit_micros });
    return { status: 201, body: { id: tenant.id, name: tenant.name, created_at: tenant.created_at, master_key: { ...keyView(master), secret } } };
  },

  async adminCreditTenant({ params, body }, ctx) {
    const result = await creditTenant(ctx.env, params.id, { amountMicros: body.amount_micros, ref: body.ref, note: body.note });
    return { status: 200, body: { applied: result.applied, balance_micros: result.balance.balance_micros } };
  },

  /** One page of vault key rotation (connections/vault-reseal.ts). */
  async adminResealVault({ body }, ctx) {
    return { status: 200, body: await resealPage(ctx.env, { after: body.after, limit: body.limit }) };
  },
};
