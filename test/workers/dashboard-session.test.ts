// The dashboard's sessions in workerd with real D1 and the Wallet: a master key is exchanged
// for a cookie whose id D1 holds only as a hash; the session ends at its expiry, at sign-out
// and when its key is revoked; every form post needs the session's own CSRF token; a
// standard key, a wrong key or a sign-in post without the form's token opens nothing.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../runtime/auth/sha256";
import { mintKey } from "./support/money";
import { BASE, call, seedTenant } from "./support/seed";

const get = (path: string, cookie?: string) => SELF.fetch(`${BASE}${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });
const post = (path: string, fields: Record<string, string>, cookie?: string) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });

/** name=value of a Set-Cookie header for `name`, and the whole header. */
function setCookie(res: Response, name: string): { pair: string; header: string } | null {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return header ? { pair: header.split(";")[0]!, header } : null;
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** Signs in through the form as a browser would: GET the form (its token cookie), POST the key. */
async function signIn(secret: string): Promise<{ res: Response; cookie: string | null }> {
  const form = await get("/dashboard/sign-in");
  expect(form.status).toBe(200);
  const token = setCookie(form, "gh_dashboard_sign_in");
  expect(token).not.toBeNull();
  const res = await post("/dashboard/sign-in", { csrf: csrfOf(await form.text()), key: secret }, token!.pair);
  return { res, cookie: setCookie(res, "gh_dashboard_session")?.pair ?? null };
}

async function signedIn(secret: string): Promise<{ cookie: string; csrf: string }> {
  const { res, cookie } = await signIn(secret);
  expect(res.status, await res.clone().text()).toBe(303);
  expect(res.headers.get("location")).toBe("/dashboard");
  const page = await get("/dashboard/keys", cookie!);
  expect(page.status).toBe(200);
  return { cookie: cookie!, csrf: csrfOf(await page.text()) };
}

const sessionRows = (tenantId: string) =>
  env.DB.prepare("SELECT * FROM dashboard_sessions WHERE tenant_id = ?").bind(tenantId).all<Record<string, unknown>>().then((r) => r.results);

describe("dashboard sign-in", () => {
  it("a master key opens a session: the cookie's flags, D1 holds only hashes, pages render", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { res, cookie } = await signIn(t.masterKey);
    expect(res.status).toBe(303);
    const header = setCookie(res, "gh_dashboard_session")!.header;
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; SameSite=Strict/);
    expect(header).toMatch(/; Path=\/dashboard;/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(header)![1]!);
    expect(Math.abs(expires - (Date.now() + 12 * 3_600_000))).toBeLessThan(5_000);
    // The sign-in form's token cookie is cleared.
    expect(setCookie(res, "gh_dashboard_sign_in")!.header).toMatch(/Max-Age=0/);

    const id = cookie!.split("=")[1]!;
    const rows = await sessionRows(t.tenantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash).toBe(sha256Hex(id));
    for (const [column, value] of Object.entries(rows[0]!)) {
      expect(String(value), column).not.toContain(id);
      expect(String(value), column).not.toContain(t.masterKey);
    }
    const page = await get("/dashboard", cookie!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain("<h1>Usage</h1>");
    expect(html).not.toContain(t.masterKey);
  });

  it("without a session every page is a 303 to the sign-in page", async () => {
    for (const path of ["/dashboard", "/dashboard/keys", "/dashboard/wallet", "/dashboard/requests", "/dashboard/end-users"]) {
      const res = await get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe("/dashboard/sign-in");
      const forged = await get(path, `gh_dashboard_session=${"A".repeat(43)}`);
      expect(forged.status, path).toBe(303);
    }
  });

  it("a standard key is refused (403), a wrong key is 401, and neither opens a session", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const standard = await mintKey(t.masterKey, { end_user_id: "eve" });
    const a = await signIn(standard.secret);
    expect(a.res.status).toBe(403);
    expect(await a.res.text()).toContain("Only a master key opens the dashboard");
    expect(a.cookie).toBeNull();
    const b = await signIn(`${t.masterKey.slice(0, -1)}${t.masterKey.endsWith("A") ? "B" : "A"}`);
    expect(b.res.status).toBe(401);
    expect(b.cookie).toBeNull();
    expect(await sessionRows(t.tenantId)).toHaveLength(0);
  });

  it("a sign-in post without the form's token (or with another one) is 403 and opens nothing", async () => {
    const t = await seedTenant();
    const bare = await post("/dashboard/sign-in", { key: t.masterKey });
    expect(bare.status).toBe(403);
    const mismatched = await post("/dashboard/sign-in", { key: t.masterKey, csrf: "x".repeat(32) }, `gh_dashboard_sign_in=${"y".repeat(32)}`);
    expect(mismatched.status).toBe(403);
    expect(await sessionRows(t.tenantId)).toHaveLength(0);
  });
});

describe("dashboard sessions end", () => {
  it("at their expiry, enforced by the server whatever the browser keeps", async () => {
    const t = await seedTenant();
    const { cookie } = await signedIn(t.masterKey);
    await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = ? WHERE tenant_id = ?").bind(Date.now() - 1, t.tenantId).run();
    const res = await get("/dashboard", cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/sign-in");
    expect(setCookie(res, "gh_dashboard_session")!.header).toMatch(/Max-Age=0/);
    expect(await sessionRows(t.tenantId)).toHaveLength(0);
  });

  it("expired rows of any tenant are swept at the next sign-in", async () => {
    const a = await seedTenant();
    await signedIn(a.masterKey);
    await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = ? WHERE tenant_id = ?").bind(Date.now() - 1, a.tenantId).run();
    const b = await seedTenant();
    await signedIn(b.masterKey);
    expect(await sessionRows(a.tenantId)).toHaveLength(0);
    expect(await sessionRows(b.tenantId)).toHaveLength(1);
  });

  it("at sign-out: the row is deleted, the cookie cleared, and the old cookie opens nothing", async () => {
    const t = await seedTenant();
    const { cookie, csrf } = await signedIn(t.masterKey);
    const refused = await post("/dashboard/sign-out", {}, cookie);
    expect(refused.status).toBe(403);
    expect(await sessionRows(t.tenantId)).toHaveLength(1);
    const out = await post("/dashboard/sign-out", { csrf }, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/sign-in");
    expect(setCookie(out, "gh_dashboard_session")!.header).toMatch(/Max-Age=0/);
    expect(await sessionRows(t.tenantId)).toHaveLength(0);
    expect((await get("/dashboard", cookie)).status).toBe(303);
  });

  it("when the master key it was opened with is revoked (another session of another key stays)", async () => {
    const t = await seedTenant();
    const second = await mintKey(t.masterKey, { scope: "master", name: "ops" });
    const a = await signedIn(second.secret);
    const b = await signedIn(t.masterKey);
    expect((await call("DELETE", `/v1/keys/${second.id}`, t.masterKey)).status).toBe(200);
    const res = await get("/dashboard/keys", a.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/sign-in");
    const rows = await sessionRows(t.tenantId);
    expect(rows.map((r) => r.key_id)).toEqual([t.masterKeyId]);
    expect((await get("/dashboard/keys", b.cookie)).status).toBe(200);
    // The revoked key cannot sign in again either.
    expect((await signIn(second.secret)).res.status).toBe(401);
  });
});

describe("dashboard forms need the session's CSRF token", () => {
  it("a post without it, or with another session's, is 403 and changes nothing; with it, the key is minted", async () => {
    const t = await seedTenant();
    const mine = await signedIn(t.masterKey);
    const other = await seedTenant();
    const theirs = await signedIn(other.masterKey);
    const keyCount = async () => ((await (await call("GET", "/v1/keys", t.masterKey)).json()) as { data: unknown[] }).data.length;
    const before = await keyCount();

    const none = await post("/dashboard/keys", { name: "no token" }, mine.cookie);
    expect(none.status).toBe(403);
    expect(await none.text()).toContain("CSRF");
    const foreign = await post("/dashboard/keys", { name: "their token", csrf: theirs.csrf }, mine.cookie);
    expect(foreign.status).toBe(403);
    const noSession = await post("/dashboard/keys", { name: "no session", csrf: mine.csrf });
    expect(noSession.status).toBe(403);
    expect(await keyCount()).toBe(before);

    const ok = await post("/dashboard/keys", { name: "from the page", scope: "standard", end_user_id: "eve", csrf: mine.csrf }, mine.cookie);
    expect(ok.status).toBe(200);
    const secret = /id="new-secret" readonly value="([^"]+)"/.exec(await ok.text())?.[1];
    expect(secret).toMatch(/^qlk_(live|test)_/);
    expect(await keyCount()).toBe(before + 1);
    expect((await call("GET", "/v1/models", secret!)).status).toBe(200);
  });

  it("a form value the API refuses is a 400 page with the API's message", async () => {
    const t = await seedTenant();
    const s = await signedIn(t.masterKey);
    const res = await post("/dashboard/keys", { name: "capped", max_spend_usd: "-3", csrf: s.csrf }, s.cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/max_spend_usd must be &gt;= 0/);
  });
});
