// The dashboard in a real Chromium against the real Worker (workerd via Miniflare, local D1 and
// the Wallet): sign in with a master key, every page's numbers equal to the JSON API's (fetched
// here from the same endpoints), a key minted and revoked from the page (and the key really
// works, then stops), a top-up through a stand-in Stripe, sign-out; the session cookie's flags;
// form posts without this session's CSRF token refused (also from another origin's page, which
// the same-site cookie still reaches); a standard key refused; axe-core on every page.
// Screenshots of each page go to .tmp/screenshots/.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { formatCount, formatUsd } from "../../runtime/dashboard/format";
import { spendByEndUser } from "../../runtime/dashboard/views";
import { axeViolations, findChromium, launchChromium, screenshot } from "../support/browser";
import { startFakeStripe, type FakeStripe } from "../support/fake-stripe";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";

const chromiumPath = findChromium();
if (!chromiumPath) console.warn("browser tests skipped: no Chromium found (set CHROMIUM_PATH, or apt-get install chromium; .ci/run installs it)");

const STRIPE_KEY = "sk_test_dashboard_browser_0123456789";

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  end_user_id: string | null;
}

describe.skipIf(!chromiumPath)("the dashboard in Chromium", () => {
  let worker: LocalWorker;
  let stripe: FakeStripe;
  let browser: Browser;
  let strict: BrowserContext;
  let attacker: Server;
  let attackerUrl: string;
  const standard: Record<string, { id: string; secret: string }> = {};

  async function api<T>(method: string, path: string, body?: unknown, key = worker.masterKey): Promise<{ status: number; json: T }> {
    const res = await fetch(`${worker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  }

  async function ask(key: string, text: string): Promise<void> {
    const res = await api("POST", "/v1/messages", { model: "mock/echo", max_tokens: 64, messages: [{ role: "user", content: text }] }, key);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }

  beforeAll(async () => {
    stripe = await startFakeStripe(STRIPE_KEY);
    worker = await startLocalWorker({
      bindings: {
        VAULT_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_API_URL: stripe.url,
      },
    });
    // Traffic: two end users' capped keys, a few requests each, a thread and a connection.
    for (const [user, cap] of [["alice", 5], ["bob", 1.25]] as const) {
      const k = await api<{ id: string; secret: string }>("POST", "/v1/keys", { name: `${user}'s key`, end_user_id: user, max_spend_usd: cap });
      expect(k.status).toBe(201);
      standard[user] = k.json;
    }
    for (let i = 0; i < 3; i++) await ask(standard.alice!.secret, `hello number ${i} from alice, with a few more words to cost more`);
    await ask(standard.bob!.secret, "hi from bob");
    await ask(worker.masterKey, "the operator's own request");
    expect((await api("POST", "/v1/threads", { end_user_id: "alice", metadata: { topic: "billing" } })).status).toBe(201);
    expect((await api("POST", "/v1/connections", { end_user_id: "alice", connector: "github" })).status).toBe(201);

    // Another origin (same site: 127.0.0.1 on another port) serving a form aimed at the dashboard.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        `<!doctype html><html lang="en"><title>other site</title><form method="post" action="${worker.url}/dashboard/keys">` +
          `<input name="name" value="planted by another site"><input name="scope" value="master"><button id="go">go</button></form></html>`,
      );
    });
    await new Promise<void>((ok) => attacker.listen(0, "127.0.0.1", () => ok()));
    const address = attacker.address();
    attackerUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;

    browser = await launchChromium(chromiumPath!);
    strict = await browser.newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.dispose();
    await stripe?.close();
    await new Promise<void>((done) => (attacker ? attacker.close(() => done()) : done()));
  });

  /** Signs in through the form by keyboard, starting from /dashboard (which sends the browser to sign in). */
  async function signIn(context: BrowserContext, key = worker.masterKey): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${worker.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/sign-in");
    await page.locator("#master-key").fill(key);
    await Promise.all([page.waitForNavigation(), page.locator("#master-key").press("Enter")]);
    return page;
  }

  const cells = (page: Page, table: string) =>
    page.locator(`#${table} tbody tr`).evaluateAll((rows) =>
      rows.map((r) => Array.from((r as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll("td"), (td) => (td.textContent ?? "").trim())),
    );

  it("signs in with a master key: the session cookie's flags; the usage page's numbers are GET /v1/usage's", async () => {
    const page = await signIn(strict);
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    expect(await page.locator("h1").innerText()).toBe("Usage");
    const cookies = await strict.cookies(`${worker.url}/dashboard`);
    const session = cookies.find((c) => c.name === "gh_dashboard_session");
    expect(session, JSON.stringify(cookies)).toBeDefined();
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/dashboard" });
    expect(Math.abs(session!.expires * 1000 - (Date.now() + 12 * 3_600_000))).toBeLessThan(60_000);
    // The page's scripts cannot read it (HttpOnly), and there are none anyway.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe("");
    expect(await page.locator("script").count()).toBe(0);

    const usage = (await api<{
      totals: { requests: number; input_tokens: number; output_tokens: number; cost_micros: number; overshoots: number };
      by_model: { model: string; requests: number; cost_micros: number }[];
      by_key: { key_id: string; end_user_id: string | null; requests: number; cost_micros: number }[];
      by_day: { day: string; requests: number; cost_micros: number }[];
    }>("GET", "/v1/usage")).json;
    expect(usage.totals.requests).toBe(5);
    expect(await page.locator("#total-requests").innerText()).toBe(formatCount(usage.totals.requests));
    expect(await page.locator("#total-input").innerText()).toBe(formatCount(usage.totals.input_tokens));
    expect(await page.locator("#total-output").innerText()).toBe(formatCount(usage.totals.output_tokens));
    expect(await page.locator("#total-cost").innerText()).toBe(formatUsd(usage.totals.cost_micros));
    expect(await cells(page, "by-model")).toEqual(usage.by_model.map((m) => [m.model, formatCount(m.requests), expect.any(String), expect.any(String), formatUsd(m.cost_micros)]));
    expect(await cells(page, "by-day")).toEqual(usage.by_day.map((d) => [d.day, formatCount(d.requests), expect.any(String), expect.any(String), formatUsd(d.cost_micros)]));
    expect((await cells(page, "by-key")).map((r) => [r[2], r[5]])).toEqual(usage.by_key.map((k) => [formatCount(k.requests), formatUsd(k.cost_micros)]));
    const endUsers = spendByEndUser(usage as Parameters<typeof spendByEndUser>[0]);
    expect(endUsers.map((u) => u.end_user_id)).toEqual(["alice", "bob"]);
    expect(await cells(page, "by-end-user")).toEqual(endUsers.map((u) => [u.end_user_id, formatCount(u.requests), formatUsd(u.cost_micros)]));
    expect(await page.locator("svg.chart rect.bar").count()).toBeGreaterThanOrEqual(30);
    await screenshot(page, "dashboard-usage");
    await page.close();
  });

  it("the keys page shows each key's cap, spend and remainder as the API does; a key minted there works, revoked there stops", async () => {
    const page = await strict.newPage();
    await page.goto(`${worker.url}/dashboard/keys`);
    expect(await page.locator("h1").innerText()).toBe("Keys");
    const keys = (await api<{ data: ApiKey[] }>("GET", "/v1/keys")).json.data;
    const expected = [];
    for (const k of keys) {
      const u = (await api<{ cost_micros: number; reserved_micros: number; cap_micros: number | null }>("GET", `/v1/keys/${k.id}/usage`)).json;
      expected.push([
        u.cap_micros === null ? "no cap" : formatUsd(u.cap_micros),
        formatUsd(u.cost_micros),
        u.cap_micros === null ? "—" : formatUsd(Math.max(0, u.cap_micros - u.cost_micros - u.reserved_micros)),
      ]);
    }
    const rows = await cells(page, "keys");
    expect(rows.map((r) => [r[3], r[4], r[5]])).toEqual(expected);
    expect(rows.find((r) => r[0]!.startsWith("bob's key"))?.[3]).toBe("$1.25");

    // Mint from the page.
    await page.locator("#key-name").fill("minted in the browser");
    await page.locator("#key-end-user").fill("carol");
    await page.locator("#key-cap").fill("2.50");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Mint key" }).click()]);
    const secret = await page.locator("#new-secret").inputValue();
    expect(secret).toMatch(/^qlk_test_[0-9A-Za-z]{32}$/);
    await screenshot(page, "dashboard-key-minted");
    const minted = (await api<{ data: ApiKey[] }>("GET", "/v1/keys")).json.data.find((k) => k.name === "minted in the browser");
    expect(minted).toMatchObject({ end_user_id: "carol", max_spend_usd: 2.5 });
    await ask(secret, "carol's first request");
    // The secret is shown once: the keys page, loaded again, does not hold it.
    await page.goto(`${worker.url}/dashboard/keys`);
    expect(await page.content()).not.toContain(secret);

    // Revoke it from the page.
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: `Revoke key minted in the browser (${minted!.prefix}…)` }).click()]);
    expect(new URL(page.url()).pathname).toBe("/dashboard/keys");
    expect(await page.locator("#keys").innerText()).not.toContain("minted in the browser");
    const refused = await api<{ error: { type: string } }>("GET", "/v1/models", undefined, secret);
    expect(refused.status).toBe(401);
    await screenshot(page, "dashboard-keys");
    await page.close();
  });

  it("the wallet page shows GET /v1/wallet's balance and the ledger's newest entries; a top-up goes to Stripe Checkout", async () => {
    const page = await strict.newPage();
    await page.goto(`${worker.url}/dashboard/wallet`);
    const wallet = (await api<{ balance_micros: number; reserved_micros: number }>("GET", "/v1/wallet")).json;
    expect(await page.locator("#balance").innerText()).toBe(formatUsd(wallet.balance_micros));
    expect(await page.locator("#reserved").innerText()).toBe(formatUsd(wallet.reserved_micros));
    const ledger = (await api<{ data: { type: string; amount_micros: number; balance_after_micros: number }[] }>("GET", "/v1/wallet/ledger?limit=500")).json.data;
    const rows = await cells(page, "ledger");
    expect(rows).toHaveLength(ledger.length);
    expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual([...ledger].reverse().map((e) => [e.type, formatUsd(e.amount_micros), formatUsd(e.balance_after_micros)]));
    // Relative time, the exact time on hover.
    expect(await page.locator("#ledger time").first().getAttribute("title")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await screenshot(page, "dashboard-wallet");

    await page.locator("#top-up-amount").fill("25");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Top up with Stripe" }).click()]);
    expect(stripe.calls).toHaveLength(1);
    expect(stripe.calls[0]!.form.get("line_items[0][price_data][unit_amount]")).toBe("2500");
    expect(stripe.calls[0]!.form.get("success_url")).toBe(`${worker.url}/dashboard/wallet`);
    expect(await page.locator("#checkout-link").getAttribute("href")).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_fake1_/);
    await screenshot(page, "dashboard-top-up");
    await page.close();
  });

  it("the requests page lists the newest requests as GET /v1/requests does: status, provider, latency, cost", async () => {
    // Rows are written just after each request ends: wait until the log holds all six.
    type Logged = { id: string; status: number; streamed: boolean; provider: string | null; latency_ms: number; cost_micros: number; model: string | null };
    let log: Logged[] = [];
    for (let i = 0; i < 100 && log.length < 6; i++) {
      log = (await api<{ data: Logged[] }>("GET", "/v1/requests?limit=50")).json.data;
      if (log.length < 6) await new Promise((r) => setTimeout(r, 100));
    }
    expect(log).toHaveLength(6);
    const page = await strict.newPage();
    await page.goto(`${worker.url}/dashboard/requests`);
    expect(await page.locator("h1").innerText()).toBe("Recent requests");
    const rows = await cells(page, "requests");
    expect(rows.map((r) => [r[1], r[3], r[4], r[5], r[6], r[7]])).toEqual(
      log.map((l) => [l.id, l.model ?? "—", String(l.status), l.provider ?? "—", `${formatCount(l.latency_ms)} ms`, formatUsd(l.cost_micros)]),
    );
    expect(rows.every((r) => r[4] === "200" && r[5] === "mock")).toBe(true);
    await screenshot(page, "dashboard-requests");
    await page.close();
  });

  it("the end users page: every end user with their spend; one end user's connections and threads as the API lists them", async () => {
    const page = await strict.newPage();
    await page.goto(`${worker.url}/dashboard/end-users`);
    const list = await cells(page, "end-users");
    expect(list.map((r) => r[0])).toEqual(expect.arrayContaining(["alice", "bob", "carol"]));
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "alice" }).first().click()]);
    expect(new URL(page.url()).searchParams.get("end_user_id")).toBe("alice");
    const connections = (await api<{ data: { connector: string; status: string }[] }>("GET", "/v1/connections?end_user_id=alice")).json.data;
    expect((await cells(page, "connections")).map((r) => [r[0], r[2]])).toEqual(connections.map((c) => [c.connector, c.status]));
    const threads = (await api<{ data: { id: string; message_count: number }[] }>("GET", "/v1/threads?end_user_id=alice")).json.data;
    expect((await cells(page, "threads")).map((r) => [r[0], r[1]])).toEqual(threads.map((t) => [t.id, formatCount(t.message_count)]));
    await screenshot(page, "dashboard-end-users");
    await page.close();
  });

  it("a form post without this session's CSRF token is refused (403), also from another site's page that the cookie reaches", async () => {
    const before = (await api<{ data: ApiKey[] }>("GET", "/v1/keys")).json.data.length;
    const bare = await strict.request.post(`${worker.url}/dashboard/keys`, { form: { name: "no token", scope: "master" }, maxRedirects: 0 });
    expect(bare.status()).toBe(403);
    // Another session's token (a second sign-in, its own session) does not pass for this one.
    const other = await browser.newContext();
    const otherPage = await signIn(other);
    const otherToken = await otherPage.locator('input[name="csrf"]').first().getAttribute("value");
    const foreign = await strict.request.post(`${worker.url}/dashboard/keys`, { form: { name: "their token", csrf: otherToken! }, maxRedirects: 0 });
    expect(foreign.status()).toBe(403);
    await other.close();
    // A page of another origin posts a form at the dashboard: the browser sends the cookie
    // (127.0.0.1 is the same site whatever the port), the missing token stops it.
    const page = await strict.newPage();
    await page.goto(attackerUrl);
    const [res] = await Promise.all([page.waitForNavigation(), page.locator("#go").click()]);
    expect(res?.status()).toBe(403);
    expect(await page.locator("h1").innerText()).toBe("This form was refused for your safety");
    expect((await api<{ data: ApiKey[] }>("GET", "/v1/keys")).json.data.length).toBe(before);
    await page.close();
  });

  it("axe-core finds no violations on any page (sign-in included)", async () => {
    const forAxe = await browser.newContext({ bypassCSP: true });
    const signInPage = await forAxe.newPage();
    await signInPage.goto(`${worker.url}/dashboard/sign-in`);
    expect(await axeViolations(signInPage)).toEqual([]);
    await screenshot(signInPage, "dashboard-sign-in");
    const page = await signIn(forAxe);
    for (const path of ["/dashboard", "/dashboard/keys", "/dashboard/wallet", "/dashboard/requests", "/dashboard/end-users", "/dashboard/end-users?end_user_id=alice"]) {
      await page.goto(`${worker.url}${path}`);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await forAxe.close();
  });

  it("a standard key cannot sign in", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, standard.alice!.secret);
    expect(new URL(page.url()).pathname).toBe("/dashboard/sign-in");
    expect(await page.locator("#problem").innerText()).toContain("Only a master key opens the dashboard");
    expect((await context.cookies(`${worker.url}/dashboard`)).some((c) => c.name === "gh_dashboard_session")).toBe(false);
    await screenshot(page, "dashboard-sign-in-refused");
    await context.close();
  });

  it("signs out: the cookie is gone and every page sends the browser to sign in again", async () => {
    const page = await strict.newPage();
    await page.goto(`${worker.url}/dashboard/wallet`);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign out" }).click()]);
    expect(new URL(page.url()).pathname).toBe("/dashboard/sign-in");
    expect((await strict.cookies(`${worker.url}/dashboard`)).some((c) => c.name === "gh_dashboard_session")).toBe(false);
    for (const path of ["/dashboard", "/dashboard/keys", "/dashboard/wallet", "/dashboard/requests", "/dashboard/end-users"]) {
      await page.goto(`${worker.url}${path}`);
      expect(new URL(page.url()).pathname, path).toBe("/dashboard/sign-in");
    }
    await page.close();
  });
});
