import type { components } from "../../generated/api/types";
import { hashSecret, newId, newSecret, secretPrefix } from "../auth/key-material";
import { forgetKey } from "../auth/key-store";
import { notFound } from "../errors";
import { callerKey } from "../http/context";
import { usdToMicros, microsToUsd } from "../money";
import type { AppHandlers } from "../router";
import { keyChanged } from "../gateway/billing";
import { walletFor } from "../wallet/stub";

type ApiKey = components["schemas"]["ApiKey"];

interface KeyRow {
  id: string;
  hash: string;
  prefix: string;
  name: string;
  scope: "master" | "standard";
  end_user_id: string | null;
  max_spend_micros: number | null;
  created_at: number;
  last_used_at: number | null;
}

const COLUMNS = "id, hash, prefix, name, scope, end_user_id, max_spend_micros, created_at, last_used_at";

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

/** Loads an active key of the caller's tenant; another tenant's id is simply not found. */
async function ownKey(env: Env, tenantId: string, id: string): Promise<KeyRow> {
  const row = await env.DB.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL`)
    .bind(id, tenantId)
    .first<KeyRow>();
  if (!row) throw notFound(`no key ${id} in this tenant`);
  return row;
}

export const keyHandlers: Pick<AppHandlers, "createKey" | "listKeys" | "updateKey" | "revokeKey"> = {
  async createKey({ body }, ctx) {
    const me = callerKey(ctx);
    const secret = newSecret(ctx.env.ENVIRONMENT === "production" ? "live" : "test");
    const row: KeyRow = {
      id: newId("key"),
      hash: hashSecret(secret),
      prefix: secretPrefix(secret),
      name: body.name,
      scope: body.scope ?? "standard",
      end_user_id: body.end_user_id ?? null,
      max_spend_micros: body.max_spend_usd === undefined || body.max_spend_usd === null ? null : usdToMicros(body.max_spend_usd),
      created_at: Date.now(),
      last_used_at: null,
    };
    // The wallet learns the cap first: a key must never exist in D1 without its cap in force.
    await walletFor(ctx.env.WALLET, me.tenant_id).upsertKey(row.id, row.max_spend_micros);
    await ctx.env.DB.prepare(
      `INSERT INTO api_keys (id, tenant_id, hash, prefix, name, scope, end_user_id, max_spend_micros, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(row.id, me.tenant_id, row.hash, row.prefix, row.name, row.scope, row.end_user_id, row.max_spend_micros, row.created_at)
      .run();
    return { status: 201, body: { ...toApi(row), secret } };
  },

  async listKeys(_input, ctx) {
    const me = callerKey(ctx);
    const { results } = await ctx.env.DB.prepare(
      `SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at, id`,
    )
      .bind(me.tenant_id)
      .all<KeyRow>();
    return { status: 200, body: { object: "list", data: results.map(toApi) } };
  },

  async updateKey({ params, body }, ctx) {
    const me = callerKey(ctx);
    const row = await ownKey(ctx.env, me.tenant_id, params.id);
    const next: KeyRow = {
      ...row,
      name: body.name ?? row.name,
      max_spend_micros:
        body.max_spend_usd === undefined ? row.max_spend_micros : body.max_spend_usd === null ? null : usdToMicros(body.max_spend_usd),
    };
    if (next.max_spend_micros !== row.max_spend_micros) {
      await walletFor(ctx.env.WALLET, me.tenant_id).upsertKey(row.id, next.max_spend_micros);
      keyChanged(me.tenant_id, row.id);
    }
    await ctx.env.DB.prepare("UPDATE api_keys SET name = ?, max_spend_micros = ? WHERE id = ? AND tenant_id = ?")
      .bind(next.name, next.max_spend_micros, row.id, me.tenant_id)
      .run();
    await forgetKey(ctx.env, row.hash);
    return { status: 200, body: toApi(next) };
  },

  async revokeKey({ params }, ctx) {
    const me = callerKey(ctx);
    const row = await ownKey(ctx.env, me.tenant_id, params.id);
    // The wallet refuses the key's billable requests even where a cache is stale: this
    // isolate's lease at once, other isolates' at their next re-check (gateway/leases.ts).
    await walletFor(ctx.env.WALLET, me.tenant_id).revokeKey(row.id);
    keyChanged(me.tenant_id, row.id);
    await ctx.env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ?").bind(Date.now(), row.id, me.tenant_id).run();
    await forgetKey(ctx.env, row.hash);
    return { status: 200, body: { id: row.id, revoked: true } };
  },
};
