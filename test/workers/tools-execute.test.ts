// POST /v1/tools/execute through a connection: the end user's sealed account reaches the vendor
// (the local receiver as CONNECTOR_GITHUB_URL), a tool's failure is data, no account is a 409
// with a connect URL that works, and nobody runs with another end user's or tenant's connection.
import { describe, expect, it } from "vitest";
import { findConnectSession } from "../../runtime/db/connect-sessions";
import { seedTenant } from "./support/seed";
import { api, connectedAccount, freshPrefix, received, RECEIVER, script, standardKey, toolsEnv, type Executed } from "./support/tools";

interface ErrorBody {
  error: { type: string; message: string; param?: string; connect_url?: string; expires_at?: number };
}

const ISSUE = { owner: "acme", repo: "app", title: "Crash on login" };

async function setup() {
  const prefix = freshPrefix("gh");
  const e = toolsEnv({ CONNECTOR_GITHUB_URL: `${RECEIVER}${prefix}` });
  const t = await seedTenant();
  return { e, t, prefix };
}

describe("executing a connector tool with the end user's account", () => {
  it("sends the call with the end user's token and answers the vendor's selected result", async () => {
    const { e, t, prefix } = await setup();
    await connectedAccount(e, t.tenantId, "alice", "github", { token: "ghp_alice_secret" });
    const alice = await standardKey(e, t.masterKey, "alice");
    await script(`${prefix}/repos/acme/app/issues`, { status: 201, body: { number: 7, html_url: "https://github.com/acme/app/issues/7" } });

    const res = await api<Executed>(e, "POST", "/v1/tools/execute", alice, { tool: "github/create_issue", args: ISSUE });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tool: "github/create_issue", ok: true, status: 201, content: "https://github.com/acme/app/issues/7", truncated: false });
    const [sent, ...more] = await received(prefix);
    expect(more).toHaveLength(0);
    expect(sent?.method).toBe("POST");
    expect(sent?.headers.authorization).toBe("Bearer ghp_alice_secret");
    expect(JSON.parse(sent?.raw ?? "")).toEqual({ title: "Crash on login" });
  });

  it("a master key names the end user; connection_id picks an older account over the newest", async () => {
    const { e, t, prefix } = await setup();
    const older = await connectedAccount(e, t.tenantId, "bob", "github", { token: "ghp_bob_work" }, Date.now() - 60_000);
    await connectedAccount(e, t.tenantId, "bob", "github", { token: "ghp_bob_personal" });
    await script(`${prefix}/repos/`, { status: 201, body: { html_url: "https://github.com/x" } });

    expect((await api<Executed>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/create_issue", args: ISSUE, end_user_id: "bob" })).body.ok).toBe(true);
    expect((await api<Executed>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/create_issue", args: ISSUE, end_user_id: "bob", connection_id: older })).body.ok).toBe(true);
    expect((await received(prefix)).map((r) => r.headers.authorization)).toEqual(["Bearer ghp_bob_personal", "Bearer ghp_bob_work"]);
  });

  it("invalid arguments are a tool error the model can act on, and nothing is sent", async () => {
    const { e, t, prefix } = await setup();
    await connectedAccount(e, t.tenantId, "carol", "github", { token: "ghp_carol" });
    const res = await api<Executed>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/create_issue", args: { owner: "acme", repo: 5 }, end_user_id: "carol" });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.error?.kind).toBe("invalid_input");
    expect(res.body.error?.message).toMatch(/^Invalid arguments: .*title is required.*repo must be a string.*Fix the arguments and call the tool again\.$/);
    expect(await received(prefix)).toHaveLength(0);
  });

  it("the vendor's refusal is a 200 with ok:false, its reason trimmed and the token never in it", async () => {
    const { e, t, prefix } = await setup();
    await connectedAccount(e, t.tenantId, "dan", "github", { token: "ghp_dan_secret" });
    await script(`${prefix}/repos/`, { status: 422, body: { message: "Validation Failed for ghp_dan_secret" } });
    const res = await api<Executed>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/create_issue", args: ISSUE, end_user_id: "dan" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tool: "github/create_issue", ok: false, error: { kind: "vendor", status: 422, retryable: false } });
    expect(res.body.error?.message).toContain("Validation Failed");
    expect(JSON.stringify(res.body)).not.toContain("ghp_dan_secret");
  });
});

describe("no connected account", () => {
  it("is a 409 not_connected whose connect_url opens a live connect session for that end user and vendor", async () => {
    const { e, t, prefix } = await setup();
    const erin = await standardKey(e, t.masterKey, "erin");
    const before = Date.now();
    const res = await api<ErrorBody>(e, "POST", "/v1/tools/execute", erin, { tool: "github/create_issue", args: ISSUE });
    expect(res.status).toBe(409);
    expect(res.body.error.type).toBe("not_connected");
    expect(res.body.error.message).toContain("connect_url");
    const { connect_url, expires_at } = res.body.error;
    expect(connect_url).toMatch(/^http:\/\/gatehouse\.test\/connect\/[^/]+$/);
    expect(expires_at).toBeGreaterThan(before);
    const token = connect_url!.split("/").pop()!;
    const session = await findConnectSession(e, token, Date.now());
    expect(session?.state).toBe("open");
    const row = await e.DB.prepare("SELECT end_user_id, connector, status FROM connections WHERE tenant_id = ? AND id = ?").bind(t.tenantId, session?.session.connection_id).first();
    expect(row).toEqual({ end_user_id: "erin", connector: "github", status: "pending" });
    // Asking again (a model retrying) mints a new URL for the same pending row, not a new row.
    const again = await api<ErrorBody>(e, "POST", "/v1/tools/execute", erin, { tool: "github/create_issue", args: ISSUE });
    expect(again.status).toBe(409);
    expect(again.body.error.connect_url).not.toBe(connect_url);
    const pending = await e.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = ? AND end_user_id = 'erin'").bind(t.tenantId).first<{ n: number }>();
    expect(pending?.n).toBe(1);
    expect(await received(prefix)).toHaveLength(0);
  });

  it("a pending or revoked connection is not an account", async () => {
    const { e, t } = await setup();
    const id = await connectedAccount(e, t.tenantId, "fay", "github", { token: "ghp_fay" });
    await e.DB.prepare("UPDATE connections SET status = 'revoked', credential = NULL WHERE tenant_id = ? AND id = ?").bind(t.tenantId, id).run();
    const res = await api<ErrorBody>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/create_issue", args: ISSUE, end_user_id: "fay" });
    expect(res.status).toBe(409);
  });
});

describe("isolation", () => {
  it("end user A cannot run with B's connection, nor name B; another tenant's connection id is 404", async () => {
    const { e, t, prefix } = await setup();
    const bobs = await connectedAccount(e, t.tenantId, "bob", "github", { token: "ghp_bob_only" });
    await connectedAccount(e, t.tenantId, "alice", "github", { token: "ghp_alice" });
    const alice = await standardKey(e, t.masterKey, "alice");

    const withBobs = await api<ErrorBody>(e, "POST", "/v1/tools/execute", alice, { tool: "github/create_issue", args: ISSUE, connection_id: bobs });
    expect(withBobs.status).toBe(404);
    expect(withBobs.body.error.param).toBe("body.connection_id");
    const namingBob = await api<ErrorBody>(e, "POST", "/v1/tools/execute", alice, { tool: "github/create_issue", args: ISSUE, end_user_id: "bob" });
    expect(namingBob.status).toBe(403);

    const other = await seedTenant();
    const foreign = await api<ErrorBody>(e, "POST", "/v1/tools/execute", other.masterKey, { tool: "github/create_issue", args: ISSUE, end_user_id: "bob", connection_id: bobs });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify([withBobs.body, namingBob.body, foreign.body])).not.toContain("ghp_");
    expect(await received(prefix)).toHaveLength(0);
  });
});

describe("what is not a tool call", () => {
  it("an unknown tool is 404; a connector tool without an end user is 400 for a master key", async () => {
    const { e, t } = await setup();
    const unknown = await api<ErrorBody>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/no_such_tool", args: {}, end_user_id: "x" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('"github/no_such_tool"');
    expect((await api(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "nosuchvendor/x", args: {}, end_user_id: "x" })).status).toBe(404);
    const noUser = await api<ErrorBody>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "github/create_issue", args: ISSUE });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.param).toBe("body.end_user_id");
  });
});
