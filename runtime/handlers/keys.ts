import type { components } from "../../generated/api/types";
import { callerKey } from "../http/context";
import { createKey, revokeKey, updateKey } from "../keys/key-edits";
import { listActiveKeys, type KeyRow } from "../keys/key-rows";
import { usdToMicros, microsToUsd } from "../money";
import type { AppHandlers } from "../router";

type ApiKey = components["schemas"]["ApiKey"];

function toApi(row: KeyRow): ApiKey {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    scope: row.scope,
    end_user_id: row.end_user_id,
    max_spend_usd: row.max_spend_micros === null ? null : microsToUsd(row.max_spend_micros),
    created_at: row.created_at,
    last_used_at: row.last_used_at,
  };
}

/** `undefined` (absent) keeps the cap, `null` removes it. */
const capMicros = (usd: number | null | undefined) => (usd === undefined ? undefined : usd === null ? null : usdToMicros(usd));

export const keyHandlers: Pick<AppHandlers, "createKey" | "listKeys" | "updateKey" | "revokeKey"> = {
  async createKey({ body }, ctx) {
    const me = callerKey(ctx);
    const { row, secret } = await createKey(ctx.env, me.tenant_id, ctx.env.ENVIRONMENT === "production" ? "live" : "test", {
      name: body.name,
      scope: body.scope ?? "standard",
      end_user_id: body.end_user_id ?? null,
      max_spend_micros: capMicros(body.max_spend_usd) ?? null,
    });
    return { status: 201, body: { ...toApi(row), secret } };
  },

  async listKeys(_input, ctx) {
    const me = callerKey(ctx);
    return { status: 200, body: { object: "list", data: (await listActiveKeys(ctx.env.DB, me.tenant_id)).map(toApi) } };
  },

  async updateKey({ params, body }, ctx) {
    const me = callerKey(ctx);
    const row = await updateKey(ctx.env, me.tenant_id, params.id, { name: body.name, max_spend_micros: capMicros(body.max_spend_usd) });
    return { status: 200, body: toApi(row) };
  },

  async revokeKey({ params }, ctx) {
    const me = callerKey(ctx);
    await revokeKey(ctx.env, me.tenant_id, params.id);
    return { status: 200, body: { id: params.id, revoked: true } };
  },
};
