// Vault key rotation through POST /v1/admin/vault/reseal (what `npm run admin -- rotate-vault-key`
// loops over): secrets sealed under the old key (VAULT_KEY_PREVIOUS in this Worker's test
// bindings) are re-sealed under VAULT_KEY, page by page, so they open with VAULT_KEY alone; a
// rerun writes nothing; a record that does not open is reported and left as it is.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectionBinding } from "../../runtime/connections/seal";
import { findConnection } from "../../runtime/db/connections";
import { findWebhookTool, insertWebhookTool } from "../../runtime/db/webhook-tools";
import { webhookSecretBinding } from "../../runtime/tools-api/webhook-tools";
import { open, readKeyring, seal } from "../../runtime/vault/vault";
import { startConnection } from "./support/connections";
import { call, seedTenant } from "./support/seed";

// The Worker's test bindings (vitest.workers.config.ts).
const ADMIN = "adm_workers_test_token";
const NEW_KEY = "ERERERERERERERERERERERERERERERERERERERERERE=";
const OLD_KEY = "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=";

interface Page {
  object: "vault.reseal";
  resealed: number;
  unchanged: number;
  failed: Array<{ kind: string; tenant_id: string; id: string; reason: string }>;
  next_after: string | null;
}

/** Walks every page as the CLI does; the sums and every failure. */
async function walk(limit: number): Promise<{ pages: number; resealed: number; unchanged: number; failed: Page["failed"] }> {
  const out = { pages: 0, resealed: 0, unchanged: 0, failed: [] as Page["failed"] };
  let after: string | null = null;
  do {
    const res = await call("POST", "/v1/admin/vault/reseal", ADMIN, { limit, ...(after ? { after } : {}) });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = await res.json<Page>();
    out.pages++;
    out.resealed += page.resealed;
    out.unchanged += page.unchanged;
    out.failed.push(...page.failed);
    after = page.next_after;
    expect(out.pages).toBeLessThan(200);
  } while (after !== null);
  return out;
}

/** A connected account whose credential is sealed under the OLD key, as before a rotation. */
async function oldConnection(masterKey: string, tenantId: string, endUser: string, secret: string): Promise<string> {
  const created = await startConnection(masterKey, { end_user_id: endUser, connector: "github" });
  const row = await findConnection(env.DB, tenantId, created.id);
  if (!row) throw new Error("no row");
  const record = await seal(await readKeyring({ VAULT_KEY: OLD_KEY }), connectionBinding(row), { token: secret });
  await env.DB.prepare("UPDATE connections SET status = 'connected', credential = ?, connected_at = ? WHERE tenant_id = ? AND id = ?").bind(record, Date.now(), tenantId, created.id).run();
  return created.id;
}

describe("POST /v1/admin/vault/reseal", () => {
  it("re-seals connections and webhook secrets under VAULT_KEY so they open without the old key; a rerun writes nothing", async () => {
    const t = await seedTenant();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await oldConnection(t.masterKey, t.tenantId, `user${i}`, `ghp_rotate_${i}`));
    const oldRing = await readKeyring({ VAULT_KEY: OLD_KEY });
    const hookSecret = await seal(oldRing, webhookSecretBinding(t.tenantId, "notify"), { secret: "whts_rotate" });
    await insertWebhookTool(env.DB, { tenant_id: t.tenantId, name: "notify", description: "d", input_schema: "{}", url: "https://hooks.example.com/x", signing_secret: hookSecret, created_at: Date.now() });
    // A revoked row holds no credential and is not visited; a pending one neither.
    await startConnection(t.masterKey, { end_user_id: "user9", connector: "github" });

    const first = await walk(2);
    expect(first.failed.filter((f) => f.tenant_id === t.tenantId)).toEqual([]);
    expect(first.resealed).toBeGreaterThanOrEqual(6);
    expect(first.pages).toBeGreaterThanOrEqual(3);

    const onlyNew = await readKeyring({ VAULT_KEY: NEW_KEY });
    for (const [i, id] of ids.entries()) {
      const row = await findConnection(env.DB, t.tenantId, id);
      expect(row?.credential?.split(".")[1]).toBe(onlyNew.current.id);
      expect(await open(onlyNew, row?.credential ?? "", connectionBinding(row!))).toEqual({ token: `ghp_rotate_${i}` });
    }
    const hook = await findWebhookTool(env.DB, t.tenantId, "notify");
    expect(await open(onlyNew, hook?.signing_secret ?? "", webhookSecretBinding(t.tenantId, "notify"))).toEqual({ secret: "whts_rotate" });

    // Idempotent: nothing left to re-seal; every row is unchanged.
    const before = await env.DB.prepare("SELECT id, credential FROM connections WHERE tenant_id = ? ORDER BY id").bind(t.tenantId).all();
    const again = await walk(3);
    expect(again.resealed).toBe(0);
    expect(again.unchanged).toBe(first.resealed + first.unchanged);
    const after = await env.DB.prepare("SELECT id, credential FROM connections WHERE tenant_id = ? ORDER BY id").bind(t.tenantId).all();
    expect(after.results).toEqual(before.results);
  });

  it("reports a record that does not open and leaves it untouched", async () => {
    const t = await seedTenant();
    const good = await oldConnection(t.masterKey, t.tenantId, "ada", "ghp_good");
    const moved = await oldConnection(t.masterKey, t.tenantId, "bob", "ghp_bob");
    const goodRecord = (await findConnection(env.DB, t.tenantId, good))?.credential;
    await env.DB.prepare("UPDATE connections SET credential = ? WHERE tenant_id = ? AND id = ?").bind(goodRecord, t.tenantId, moved).run();

    const result = await walk(50);
    const mine = result.failed.filter((f) => f.tenant_id === t.tenantId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: "connection", id: moved });
    expect(mine[0]?.reason).toMatch(/^rejected: /);
    expect(mine[0]?.reason).not.toContain(goodRecord);
    expect((await findConnection(env.DB, t.tenantId, moved))?.credential).toBe(goodRecord);
    expect((await findConnection(env.DB, t.tenantId, good))?.credential).not.toBe(goodRecord);
  });

  it("refuses a bad cursor by name, and a caller without the admin token", async () => {
    const bad = await call("POST", "/v1/admin/vault/reseal", ADMIN, { after: "bm90LWEtY3Vyc29y" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: "body.after" } });
    const t = await seedTenant();
    expect((await call("POST", "/v1/admin/vault/reseal", t.masterKey, {})).status).toBe(401);
    expect((await call("POST", "/v1/admin/vault/reseal", null, {})).status).toBe(401);
  });
});
