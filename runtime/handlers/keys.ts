import { callerKey } from "../http/context";
import { listActiveKeys } from "../db/api-keys";
import { DEFAULT_SCOPE } from "../keys/key-access";
import { createKey, revokeKey, updateKey } from "../keys/key-edits";
import { keyView } from "../keys/key-view";
import { usdToMicros } from "../money";
import type { AppHandlers } from "../router";

/** `undefined` (absent) keeps the cap, `null` removes it. */
const capMicros = (usd: number | null | undefined) => (usd === undefined ? undefined : usd === null ? null : usdToMicros(usd));

export const keyHandlers: Pick<AppHandlers, "createKey" | "listKeys" | "updateKey" | "revokeKey"> = {
  async createKey({ body }, ctx) {
    const me = callerKey(ctx);
    const { row, secret } = await createKey(ctx.env, me.tenant_id, {
      name: body.name,
      scope: body.scope ?? DEFAULT_SCOPE,
      end_user_id: body.end_user_id ?? null,
      max_spend_micros: capMicros(body.max_spend_usd) ?? null,
    });
    return { status: 201, body: { ...keyView(row), secret } };
  },

  async listKeys(_input, ctx) {
    const me = callerKey(ctx);
    return { status: 200, body: { object: "list", data: (await listActiveKeys(ctx.env.DB, me.tenant_id)).map(keyView) } };
  },

  async updateKey({ params, body }, ctx) {
    const me = callerKey(ctx);
    const row = await updateKey(ctx.env, me.tenant_id, params.id, { name: body.name, max_spend_micros: capMicros(body.max_spend_usd) });
    return { status: 200, body: keyView(row) };
  },

  async revokeKey({ params }, ctx) {
    const me = callerKey(ctx);
    await revokeKey(ctx.env, me.tenant_id, params.id);
    return { status: 200, body: { id: params.id, revoked: true } };
  },
};
