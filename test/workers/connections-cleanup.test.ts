// Pending connections do not pile up: a tool call that finds no account mints a new URL for the
// end user's one pending connection of that vendor (reusePending), while the app's own
// POST /v1/connections still starts a new one each time; the daily job removes connect
// sessions a day past expiry and pending connections a day old with no live URL left.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintConnectUrl } from "../../runtime/connections/mint-connect-url";
import { CONNECT_SESSION_TTL_MS, findConnectSession } from "../../runtime/db/connect-sessions";
import { findConnection } from "../../runtime/db/connections";
import { runDailyJob } from "../../runtime/threads/daily-job";
import { finishConnection, tokenOf } from "./support/connections";
import { BASE, seedTenant } from "./support/seed";

const DAY_MS = 24 * 60 * 60 * 1000;

async function sessionsOf(tenantId: string, connectionId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM connect_sessions WHERE tenant_id = ? AND connection_id = ?").bind(tenantId, connectionId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe("pending connections", () => {
  it("reusePending mints a new URL for the same pending row; without it every call is a new row", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const first = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear", reusePending: true }, BASE, now);
    const again = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear", reusePending: true }, BASE, now + 1);
    expect(again.connection_id).toBe(first.connection_id);
    expect(again.connect_url).not.toBe(first.connect_url);
    // Both URLs work, for the same connection.
    for (const url of [first.connect_url, again.connect_url]) expect((await findConnectSession(env, tokenOf(url), now + 2))?.connection.id).toBe(first.connection_id);
    // Another end user, another vendor, or a label is another pending row.
    const bob = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "bob", connector: "linear", reusePending: true }, BASE, now);
    const gh = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github", reusePending: true }, BASE, now);
    const work = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear", label: "work", reusePending: true }, BASE, now);
    expect(new Set([first.connection_id, bob.connection_id, gh.connection_id, work.connection_id]).size).toBe(4);
    // Without reusePending (POST /v1/connections), a new row.
    const fresh = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear" }, BASE, now);
    expect(fresh.connection_id).not.toBe(first.connection_id);
  });

  it("a connected row is never reused for a new URL", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const minted = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear", reusePending: true }, BASE, now);
    expect(await finishConnection({ ...minted, id: minted.connection_id, object: "connection", end_user_id: "ada", connector: "linear", label: null, status: "pending" }, { api_key: "lin_api_x" }, now)).toBe(true);
    const next = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear", reusePending: true }, BASE, now + 1);
    expect(next.connection_id).not.toBe(minted.connection_id);
    expect((await findConnection(env.DB, t.tenantId, minted.connection_id))?.status).toBe("connected");
  });
});

describe("the daily job's connection clean-up", () => {
  it("drops sessions a day past expiry and abandoned pending rows, keeps live URLs, recent ones and connected rows", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const old = now - 2 * DAY_MS;
    // Abandoned: minted two days ago, its URL long expired.
    const abandoned = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "linear" }, BASE, old);
    // Old row, but a URL minted for it a minute ago is live: kept.
    const revived = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github", reusePending: true }, BASE, old);
    await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github", reusePending: true }, BASE, now - 60_000);
    // Recent: its URL expired an hour ago, but the row is younger than a day: kept, session kept.
    const recent = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "bob", connector: "linear" }, BASE, now - 60 * 60 * 1000 - CONNECT_SESSION_TTL_MS);
    // Connected two days ago: never touched (its spent session goes, the row stays).
    const done = await mintConnectUrl(env, { tenantId: t.tenantId, endUserId: "cy", connector: "linear" }, BASE, old);
    await finishConnection({ ...done, id: done.connection_id, object: "connection", end_user_id: "cy", connector: "linear", label: null, status: "pending" }, { api_key: "lin_api_y" }, old);

    const report = await runDailyJob(env, now);
    expect(report.abandoned_connections).toBeGreaterThanOrEqual(1);
    expect(report.expired_connect_sessions).toBeGreaterThanOrEqual(3);
    expect(await findConnection(env.DB, t.tenantId, abandoned.connection_id)).toBeNull();
    expect(await sessionsOf(t.tenantId, abandoned.connection_id)).toBe(0);
    expect((await findConnection(env.DB, t.tenantId, revived.connection_id))?.status).toBe("pending");
    expect(await sessionsOf(t.tenantId, revived.connection_id)).toBe(1); // the live one
    expect((await findConnection(env.DB, t.tenantId, recent.connection_id))?.status).toBe("pending");
    expect(await sessionsOf(t.tenantId, recent.connection_id)).toBe(1);
    expect((await findConnection(env.DB, t.tenantId, done.connection_id))?.status).toBe("connected");
    expect(await sessionsOf(t.tenantId, done.connection_id)).toBe(0);
  });
});
