// The GDPR erase (DELETE /v1/end-users/:id) takes the end user's connections — every status,
// sealed credentials with them — and their connect sessions in its one batch, counts them, and
// leaves other end users and tenants alone; a connect URL of an erased end user no longer works.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findConnectSession } from "../../runtime/db/connect-sessions";
import { finishConnection, listConnectionsOf, startConnection, tokenOf } from "./support/connections";
import { call, seedTenant } from "./support/seed";

async function count(sql: string, ...params: string[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())?.n ?? -1;
}

describe("DELETE /v1/end-users/:end_user_id and connections", () => {
  it("erases the end user's connections and sessions, counts them, and touches no one else's", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    const connected = await startConnection(a.masterKey, { end_user_id: "ada", connector: "github" });
    expect(await finishConnection(connected, { token: "ghp_ada" })).toBe(true);
    const pending = await startConnection(a.masterKey, { end_user_id: "ada", connector: "linear" });
    const revoked = await startConnection(a.masterKey, { end_user_id: "ada", connector: "stripe" });
    expect((await call("DELETE", `/v1/connections/${revoked.id}`, a.masterKey)).status).toBe(200);
    const bob = await startConnection(a.masterKey, { end_user_id: "bob", connector: "github" });
    const otherTenant = await startConnection(b.masterKey, { end_user_id: "ada", connector: "github" });

    const res = await call("DELETE", "/v1/end-users/ada", a.masterKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ end_user_id: "ada", object: "end_user.erased", connections: 3 });

    expect(await count("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = ? AND end_user_id = 'ada'", a.tenantId)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM connect_sessions WHERE tenant_id = ? AND connection_id IN (?, ?, ?)", a.tenantId, connected.id, pending.id, revoked.id)).toBe(0);
    expect(await findConnectSession(env, tokenOf(pending.connect_url), Date.now())).toBeNull();
    expect(await listConnectionsOf(a.masterKey, "end_user_id=ada")).toEqual([]);

    expect((await listConnectionsOf(a.masterKey, "end_user_id=bob")).map((c) => c.id)).toEqual([bob.id]);
    expect((await findConnectSession(env, tokenOf(bob.connect_url), Date.now()))?.state).toBe("open");
    expect((await listConnectionsOf(b.masterKey, "end_user_id=ada")).map((c) => c.id)).toEqual([otherTenant.id]);
    expect((await findConnectSession(env, tokenOf(otherTenant.connect_url), Date.now()))?.state).toBe("open");

    const again = await call("DELETE", "/v1/end-users/ada", a.masterKey);
    expect(await again.json()).toMatchObject({ connections: 0 });
  });
});
