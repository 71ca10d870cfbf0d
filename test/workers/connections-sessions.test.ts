// Connect sessions and openConnection against the real D1: a token names its session only by
// hash; a session is open for 10 minutes and 5 reserved tries; completion is atomic and single
// use (of 10 concurrent completions exactly one wins); a refused last try fails the connection;
// openConnection uses only the end user's newest connected account (or the one asked for), and
// a vault record copied onto another row makes that row "not connected" with last_error.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mintConnectUrl } from "../../runtime/connections/mint-connect-url";
import { openConnection } from "../../runtime/connections/open-connection";
import { sealConnectionCredential } from "../../runtime/connections/seal";
import {
  CONNECT_SESSION_TTL_MS,
  completeConnection,
  failConnection,
  findConnectSession,
  MAX_CONNECT_ATTEMPTS,
  recordConnectAttempt,
} from "../../runtime/db/connect-sessions";
import { findConnection } from "../../runtime/db/connections";
import { finishConnection, startConnection, tokenOf } from "./support/connections";
import { BASE, call, seedTenant } from "./support/seed";

async function mint(tenantId: string, endUserId = "ada", connector = "github", now = Date.now(), label?: string) {
  const minted = await mintConnectUrl(env, { tenantId, endUserId, connector, label }, BASE, now);
  const found = await findConnectSession(env, tokenOf(minted.connect_url), now);
  if (!found) throw new Error("minted session not found");
  return { minted, ...found };
}

describe("connect sessions", () => {
  it("finds a session only by its exact token, and says when it expired", async () => {
    const t = await seedTenant();
    const now = 5_000_000;
    const { minted, state, connection, session } = await mint(t.tenantId, "ada", "github", now);
    expect(state).toBe("open");
    expect(connection).toMatchObject({ id: minted.connection_id, end_user_id: "ada", connector: "github", status: "pending" });
    expect(session.expires_at).toBe(now + CONNECT_SESSION_TTL_MS);
    const token = tokenOf(minted.connect_url);
    expect(await findConnectSession(env, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"), now)).toBeNull();
    expect(await findConnectSession(env, "short", now)).toBeNull();
    expect(await findConnectSession(env, `${token}x`, now)).toBeNull();
    expect((await findConnectSession(env, token, now + CONNECT_SESSION_TTL_MS - 1))?.state).toBe("open");
    expect((await findConnectSession(env, token, now + CONNECT_SESSION_TTL_MS))?.state).toBe("expired");
  });

  it("reserves at most MAX_CONNECT_ATTEMPTS tries, even when they come at once", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const { session, minted } = await mint(t.tenantId, "ada", "github", now);
    const tries = await Promise.all(Array.from({ length: 10 }, () => recordConnectAttempt(env, session, now)));
    expect(tries.filter((r) => r.allowed)).toHaveLength(MAX_CONNECT_ATTEMPTS);
    expect(tries.filter((r) => r.allowed).map((r) => r.attemptsLeft).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await findConnectSession(env, tokenOf(minted.connect_url), now))?.state).toBe("exhausted");
    // No try is reserved after the URL expired either.
    const other = await mint(t.tenantId, "ada", "github", now);
    expect(await recordConnectAttempt(env, other.session, now + CONNECT_SESSION_TTL_MS)).toEqual({ allowed: false, attemptsLeft: 0 });
  });

  it("of 10 concurrent completions exactly one wins; the row holds the winner's credential and the session is spent", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const { session, connection, minted } = await mint(t.tenantId, "ada", "github", now);
    const sealed = await Promise.all(Array.from({ length: 10 }, (_, i) => sealConnectionCredential(env, connection, { token: `ghp_candidate_${i}` })));
    const wins = await Promise.all(sealed.map((record, i) => completeConnection(env, session, { sealedCredential: record, config: { n: String(i) }, mcpTools: null }, now)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = wins.indexOf(true);
    const row = await findConnection(env.DB, t.tenantId, connection.id);
    expect(row).toMatchObject({ status: "connected", credential: sealed[winner], config: JSON.stringify({ n: String(winner) }), connected_at: now, last_error: null });
    expect((await findConnectSession(env, tokenOf(minted.connect_url), now))?.state).toBe("used");
    // A later completion of the spent session changes nothing.
    expect(await completeConnection(env, session, { sealedCredential: sealed[(winner + 1) % 10]!, config: {}, mcpTools: null }, now + 1)).toBe(false);
    expect((await findConnection(env.DB, t.tenantId, connection.id))?.credential).toBe(sealed[winner]);
    const opened = await openConnection(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github" });
    expect(opened?.credential).toEqual({ token: `ghp_candidate_${winner}` });
    expect(opened?.config).toEqual({ n: String(winner) });
  });

  it("an expired session cannot complete, and the last reserved try may still succeed", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const late = await mint(t.tenantId, "ada", "github", now);
    const record = await sealConnectionCredential(env, late.connection, { token: "ghp_late" });
    expect(await completeConnection(env, late.session, { sealedCredential: record, config: {}, mcpTools: null }, now + CONNECT_SESSION_TTL_MS)).toBe(false);
    expect((await findConnection(env.DB, t.tenantId, late.connection.id))?.status).toBe("pending");

    const fifth = await mint(t.tenantId, "ada", "github", now);
    for (let i = 0; i < MAX_CONNECT_ATTEMPTS; i++) expect((await recordConnectAttempt(env, fifth.session, now)).allowed).toBe(true);
    const ok = await sealConnectionCredential(env, fifth.connection, { token: "ghp_fifth" });
    expect(await completeConnection(env, fifth.session, { sealedCredential: ok, config: {}, mcpTools: [{ name: "x" }] }, now)).toBe(true);
    expect((await findConnection(env.DB, t.tenantId, fifth.connection.id))?.mcp_tools).toBe('[{"name":"x"}]');
  });

  it("refused tries keep the connection pending with last_error until the tries run out, then it is failed", async () => {
    const t = await seedTenant();
    const now = Date.now();
    const { session, connection } = await mint(t.tenantId, "ada", "github", now);
    for (let i = 1; i <= MAX_CONNECT_ATTEMPTS; i++) {
      expect((await recordConnectAttempt(env, session, now)).allowed).toBe(true);
      const status = await failConnection(env, session, `Bad credentials (${i})`, now);
      expect(status).toBe(i < MAX_CONNECT_ATTEMPTS ? "pending" : "failed");
    }
    expect(await findConnection(env.DB, t.tenantId, connection.id)).toMatchObject({ status: "failed", last_error: `Bad credentials (${MAX_CONNECT_ATTEMPTS})`, credential: null });
    const list = await call("GET", "/v1/connections?end_user_id=ada", t.masterKey);
    expect((await list.json<{ data: Array<{ status: string; last_error: string }> }>()).data[0]).toMatchObject({ status: "failed", last_error: "Bad credentials (5)" });
    expect(await openConnection(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github" })).toBeNull();
  });
});

describe("openConnection", () => {
  it("uses the newest connected account, or the one with the label or id asked for — never pending, failed or revoked ones", async () => {
    const t = await seedTenant();
    const none = await openConnection(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github" });
    expect(none).toBeNull();
    const work = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", label: "work" });
    const home = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", label: "home" });
    const pending = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github", label: "later" });
    const now = Date.now();
    expect(await finishConnection(work, { token: "ghp_work" }, now, { org: "acme" })).toBe(true);
    expect(await finishConnection(home, { token: "ghp_home" }, now + 10)).toBe(true);

    const q = { tenantId: t.tenantId, endUserId: "ada", connector: "github" };
    expect((await openConnection(env, q))?.credential).toEqual({ token: "ghp_home" });
    const byLabel = await openConnection(env, { ...q, label: "work" });
    expect(byLabel).toMatchObject({ credential: { token: "ghp_work" }, config: { org: "acme" } });
    expect(byLabel?.connection.id).toBe(work.id);
    expect((await openConnection(env, { ...q, connectionId: work.id }))?.credential).toEqual({ token: "ghp_work" });
    expect(await openConnection(env, { ...q, label: "later" })).toBeNull();
    expect(await openConnection(env, { ...q, connectionId: pending.id })).toBeNull();
    // Another end user, connector or tenant does not reach it.
    expect(await openConnection(env, { ...q, endUserId: "bob", connectionId: work.id })).toBeNull();
    expect(await openConnection(env, { ...q, connector: "linear", connectionId: work.id })).toBeNull();
    expect(await openConnection(env, { ...q, tenantId: (await seedTenant()).tenantId })).toBeNull();

    // Revoking the default falls back to the older account; revoking both leaves none.
    expect((await call("DELETE", `/v1/connections/${home.id}`, t.masterKey)).status).toBe(200);
    expect((await openConnection(env, q))?.credential).toEqual({ token: "ghp_work" });
    expect(await openConnection(env, { ...q, connectionId: home.id })).toBeNull();
    expect((await call("DELETE", `/v1/connections/${work.id}`, t.masterKey)).status).toBe(200);
    expect(await openConnection(env, q)).toBeNull();
  });

  it("a vault record copied onto another row does not open: that row is not connected and says why", async () => {
    const t = await seedTenant();
    const ada = await startConnection(t.masterKey, { end_user_id: "ada", connector: "github" });
    const bob = await startConnection(t.masterKey, { end_user_id: "bob", connector: "github" });
    expect(await finishConnection(ada, { token: "ghp_ada_secret" })).toBe(true);
    expect(await finishConnection(bob, { token: "ghp_bob_secret" })).toBe(true);
    const adaRecord = (await findConnection(env.DB, t.tenantId, ada.id))?.credential;
    await env.DB.prepare("UPDATE connections SET credential = ? WHERE tenant_id = ? AND id = ?").bind(adaRecord, t.tenantId, bob.id).run();

    expect(await openConnection(env, { tenantId: t.tenantId, endUserId: "bob", connector: "github" })).toBeNull();
    const row = await findConnection(env.DB, t.tenantId, bob.id);
    expect(row?.status).toBe("connected"); // kept: restoring a key heals a row that failed for a missing key
    expect(row?.last_error).toContain("does not open for this connection");
    expect(row?.last_error).toContain("connect the account again");
    expect(row?.last_error).not.toContain("ghp_");
    expect(row?.last_error).not.toContain(adaRecord);
    // The original still opens for its own row.
    expect((await openConnection(env, { tenantId: t.tenantId, endUserId: "ada", connector: "github" }))?.credential).toEqual({ token: "ghp_ada_secret" });
  });
});
