// The hosted connect page in a real Chromium against the real Worker (workerd via Miniflare,
// local D1): a connect URL minted through the API, the form filled by keyboard only, the vendor
// asked (a real MCP server; a programmable HTTP vendor for a token connector), the credential
// sealed, the link spent. Also: the used, expired, unknown and exhausted links, field errors,
// vendor refusals, the redirect back to the app, the CSP really enforced, and axe-core finding
// no violations on any page. Screenshots go to .tmp/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { axeViolations, findChromium, focusedId, launchChromium, screenshot, tabTo } from "../support/browser";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";
import { startMcpServer, type TestMcpServer } from "../support/mcp-server";
import { startMockVendor, type MockVendor } from "../support/mock-vendor";

const chromiumPath = findChromium();
if (!chromiumPath) console.warn("browser tests skipped: no Chromium found (set CHROMIUM_PATH, or apt-get install chromium; .ci/run installs it)");

const MCP_TOKEN = "zap-connection-token-7f3a9c1e5b";
const GITHUB_TOKEN = "ghp_browserTestToken0123456789abcdef";

describe.skipIf(!chromiumPath)("the hosted connect page in Chromium", () => {
  let worker: LocalWorker;
  let vendor: MockVendor;
  let mcp: TestMcpServer;
  let browser: Browser;
  let strict: BrowserContext;
  let forAxe: BrowserContext;

  beforeAll(async () => {
    [vendor, mcp] = await Promise.all([startMockVendor(), startMcpServer({ token: MCP_TOKEN })]);
    worker = await startLocalWorker({
      bindings: {
        VAULT_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
        CONNECTOR_GITHUB_URL: vendor.url,
        CONNECTOR_ZAPIER_URL: mcp.url,
        CONNECTOR_DATADOG_URL: vendor.url,
      },
    });
    browser = await launchChromium(chromiumPath!);
    strict = await browser.newContext();
    // axe-core is injected as an inline script, which the page's CSP forbids: this context only.
    forAxe = await browser.newContext({ bypassCSP: true });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.dispose();
    await Promise.all([vendor?.close(), mcp?.close()]);
  });

  async function mint(connector: string, extra: Record<string, string> = {}): Promise<{ id: string; url: string }> {
    const res = await fetch(`${worker.url}/v1/connections`, {
      method: "POST",
      headers: { authorization: `Bearer ${worker.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({ end_user_id: "user-browser", connector, ...extra }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { id: string; connect_url: string };
    expect(body.connect_url.startsWith(`${worker.url}/connect/`)).toBe(true);
    return { id: body.id, url: body.connect_url };
  }

  async function rows(connectionId: string) {
    const db = await worker.mf.getD1Database("DB");
    const connection = await db.prepare("SELECT * FROM connections WHERE id = ?").bind(connectionId).first<Record<string, unknown>>();
    const sessions = (await db.prepare("SELECT * FROM connect_sessions WHERE connection_id = ?").bind(connectionId).all<Record<string, unknown>>()).results;
    return { connection: connection!, sessions };
  }

  /** Opens the page and types into each field by keyboard only (Tab to it, type), then Enter. */
  async function fillByKeyboard(page: Page, values: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(values)) {
      await tabTo(page, id);
      await page.keyboard.type(value);
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  }

  async function open(context: BrowserContext, url: string): Promise<{ page: Page; status: number; cspErrors: string[] }> {
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const res = await page.goto(url);
    return { page, status: res?.status() ?? 0, cspErrors };
  }

  const heading = (page: Page) => page.locator("h1").innerText();

  it("keyboard only: the form, submitted, connects the account; D1 holds only ciphertext; the link is spent", async () => {
    const { id, url } = await mint("zapier");
    const { page, status, cspErrors } = await open(strict, url);
    expect(status).toBe(200);
    expect(await page.title()).toBe("Connect Zapier MCP to test tenant");
    expect(await heading(page)).toBe("Connect Zapier MCP to test tenant");
    expect(await page.locator("main").count()).toBe(1);
    const input = page.locator("#auth-connection_token");
    expect(await input.getAttribute("type")).toBe("password");
    expect(await input.getAttribute("autocomplete")).toBe("off");
    // The one stylesheet applied under the enforced CSP (its hash matched), and nothing was blocked.
    expect(await page.locator("main").evaluate((m) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(m).backgroundColor)).toBe("rgb(255, 255, 255)");
    await screenshot(page, "connect-form");

    await fillByKeyboard(page, { "auth-connection_token": MCP_TOKEN });
    expect(await heading(page)).toBe("Zapier MCP is connected to test tenant");
    expect(await page.locator("form").count()).toBe(0);
    expect(cspErrors).toEqual([]);
    await screenshot(page, "connect-success");

    const { connection, sessions } = await rows(id);
    expect(connection.status).toBe("connected");
    expect(String(connection.credential)).toMatch(/^v1\./);
    for (const row of [connection, ...sessions]) {
      for (const [column, value] of Object.entries(row)) expect(String(value), `${column} holds the token`).not.toContain(MCP_TOKEN);
    }
    expect(JSON.parse(String(connection.mcp_tools)).map((t: { name: string }) => t.name)).toContain("echo");
    expect(sessions[0]?.used_at).not.toBeNull();

    // The same URL again: the used-link page, no form.
    const again = await open(strict, url);
    expect(again.status).toBe(410);
    expect(await heading(again.page)).toBe("This connect link was already used");
    expect(await again.page.locator("form, input").count()).toBe(0);
    await screenshot(again.page, "connect-used");
    await Promise.all([page.close(), again.page.close()]);
  });

  it("a refused token: the vendor's reason without the token, the secret field empty, the summary focused; a retry succeeds", async () => {
    const { id, url } = await mint("zapier");
    const { page } = await open(strict, url);
    const wrong = "zap-wrong-token-5d2e8a";
    await fillByKeyboard(page, { "auth-connection_token": wrong });
    expect(await page.locator("#summary h2").innerText()).toBe("Zapier MCP did not accept these details");
    expect(await focusedId(page)).toBe("summary");
    expect(await page.locator("#summary").getAttribute("role")).toBe("alert");
    expect(await page.locator("#summary").innerText()).toContain("4 tries are left on this link.");
    expect(await page.content()).not.toContain(wrong);
    expect(await page.locator("#auth-connection_token").inputValue()).toBe("");
    await screenshot(page, "connect-refused");
    expect((await rows(id)).connection.last_error).not.toBeNull();

    await fillByKeyboard(page, { "auth-connection_token": MCP_TOKEN });
    expect(await heading(page)).toBe("Zapier MCP is connected to test tenant");
    expect((await rows(id)).connection.status).toBe("connected");
    await page.close();
  });

  it("an empty submission: 400, the summary links the field, which is marked invalid; no try is used", async () => {
    const { id, url } = await mint("zapier");
    const { page } = await open(strict, url);
    await tabTo(page, "auth-connection_token");
    const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    expect(res?.status()).toBe(400);
    expect(await page.locator("#summary a").innerText()).toBe("Connection token: is required");
    expect(await page.locator("#auth-connection_token").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#auth-connection_token").getAttribute("aria-describedby")).toContain("auth-connection_token-error");
    expect((await rows(id)).sessions[0]?.attempts).toBe(0);
    await page.close();
  });

  it("expired, unknown and exhausted links each get their own page and no form", async () => {
    const expired = await mint("zapier");
    const db = await worker.mf.getD1Database("DB");
    await db.prepare("UPDATE connect_sessions SET expires_at = 1 WHERE connection_id = ?").bind(expired.id).run();
    const e = await open(strict, expired.url);
    expect(e.status).toBe(410);
    expect(await heading(e.page)).toBe("This connect link has expired");
    expect(await e.page.locator("form").count()).toBe(0);
    await screenshot(e.page, "connect-expired");

    const u = await open(strict, `${worker.url}/connect/${"A".repeat(43)}`);
    expect(u.status).toBe(404);
    expect(await heading(u.page)).toBe("This connect link is not valid");

    const spent = await mint("zapier");
    for (let i = 0; i < 5; i++) {
      const res = await fetch(spent.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "auth.connection_token=nope" });
      expect(res.status).toBe(i < 4 ? 422 : 410);
    }
    const x = await open(strict, spent.url);
    expect(x.status).toBe(410);
    expect(await heading(x.page)).toBe("Too many attempts with this link");
    expect((await rows(spent.id)).connection.status).toBe("failed");
    await Promise.all([e.page.close(), u.page.close(), x.page.close()]);
  });

  it("with a redirect_url, success goes back to the app with the connection id (the CSP lets the form lead there)", async () => {
    const app = vendor.otherHostUrl; // http://localhost:<port>, another origin than the Worker
    const cors = await fetch(`${worker.url}/v1/cors`, {
      method: "PUT",
      headers: { authorization: `Bearer ${worker.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({ allowed_origins: [app] }),
    });
    expect(cors.status, await cors.clone().text()).toBe(200);
    const { id, url } = await mint("zapier", { redirect_url: `${app}/connected?from=gatehouse` });
    const { page, cspErrors } = await open(strict, url);
    await fillByKeyboard(page, { "auth-connection_token": MCP_TOKEN });
    const landed = new URL(page.url());
    expect(landed.origin).toBe(app);
    expect(landed.pathname).toBe("/connected");
    expect(Object.fromEntries(landed.searchParams)).toEqual({ from: "gatehouse", connection_id: id, status: "connected" });
    expect(cspErrors).toEqual([]);
    // No referrer reaches the app: the page's URL holds the token.
    const arrival = vendor.requests.find((r) => r.path === "/connected");
    expect(arrival?.headers.referer).toBeUndefined();
    await page.close();
  });

  it("a token connector: the vendor's 401 is shown, the right token connects, and the vendor saw it as a Bearer token", async () => {
    vendor.reset();
    vendor.script("/user", { status: 401, body: { message: "Bad credentials" } }, { body: { login: "octocat" } });
    const { id, url } = await mint("github");
    const { page } = await open(strict, url);
    await fillByKeyboard(page, { "auth-token": "ghp_wrong" });
    expect(await page.locator("#summary").innerText()).toContain("GitHub said: Bad credentials");
    await fillByKeyboard(page, { "auth-token": GITHUB_TOKEN });
    expect(await heading(page)).toBe("GitHub is connected to test tenant");
    expect(vendor.requests.filter((r) => r.path === "/user").map((r) => r.headers.authorization)).toEqual(["Bearer ghp_wrong", `Bearer ${GITHUB_TOKEN}`]);
    const { connection } = await rows(id);
    expect(JSON.stringify(connection)).not.toContain(GITHUB_TOKEN);
    await page.close();
  });

  it("two secrets and a setting: a setting off its pattern is refused before the vendor is asked, typed settings stay, secrets do not", async () => {
    vendor.reset();
    const { id, url } = await mint("datadog");
    const { page } = await open(strict, url);
    expect(await page.locator("#config-site").getAttribute("type")).toBe("text");
    expect(await page.locator("#config-site").getAttribute("placeholder")).toBe("datadoghq.com");
    const values = { "auth-api_key": "dd-api-key-0123456789", "auth-application_key": "dd-app-key-9876543210" };
    await fillByKeyboard(page, { ...values, "config-site": "datadog.com" });
    expect(await page.locator("#summary a").innerText()).toBe("Datadog site: does not have the expected format (it looks like datadoghq.com)");
    expect(await page.locator("#config-site").inputValue()).toBe("datadog.com");
    expect(await page.locator("#auth-api_key").inputValue()).toBe("");
    expect(await page.content()).not.toContain("dd-api-key-0123456789");
    expect(vendor.requests).toEqual([]);
    await screenshot(page, "connect-field-error");

    await tabTo(page, "config-site");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("datadoghq.eu");
    await fillByKeyboard(page, values);
    expect(await heading(page)).toBe("Datadog is connected to test tenant");
    expect(vendor.requests.map((r) => [r.path, r.headers["dd-api-key"], r.headers["dd-application-key"]])).toEqual([
      ["/api/v1/validate", "dd-api-key-0123456789", "dd-app-key-9876543210"],
    ]);
    const { connection } = await rows(id);
    expect(JSON.parse(String(connection.config))).toEqual({ site: "datadoghq.eu" });
    expect(JSON.stringify(connection)).not.toMatch(/dd-api-key|dd-app-key/);
    await page.close();
  });

  it("the axe harness does catch violations (an unlabelled input, a page without lang or title)", async () => {
    const page = await forAxe.newPage();
    await page.setContent("<html><body><input type=text></body></html>");
    const ids = (await axeViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(["label", "html-has-lang", "document-title"]));
    await page.close();
  });

  it("axe-core finds no violations on the form, field-error, refusal, success and expired pages", async () => {
    const check = async (page: Page, name: string) => {
      const violations = await axeViolations(page);
      expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    };
    const first = await mint("zapier");
    const { page } = await open(forAxe, first.url);
    await check(page, "form");
    await Promise.all([page.waitForNavigation(), page.locator("button").click()]);
    await check(page, "field error");
    await page.locator("#auth-connection_token").fill("zap-wrong");
    await Promise.all([page.waitForNavigation(), page.locator("button").click()]);
    expect(await page.locator("#summary h2").innerText()).toContain("did not accept");
    await check(page, "refusal");
    await page.locator("#auth-connection_token").fill(MCP_TOKEN);
    await Promise.all([page.waitForNavigation(), page.locator("button").click()]);
    expect(await heading(page)).toContain("is connected");
    await check(page, "success");
    await page.goto(first.url);
    await check(page, "used");
    const expired = await mint("zapier");
    const db = await worker.mf.getD1Database("DB");
    await db.prepare("UPDATE connect_sessions SET expires_at = 1 WHERE connection_id = ?").bind(expired.id).run();
    await page.goto(expired.url);
    await check(page, "expired");
    await page.close();
  });
});
