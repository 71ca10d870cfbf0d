// The connect page's HTML: every outside value inert, secrets never echoed, every input
// labelled and described, the error summary an alert, and the CSP naming the one stylesheet.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../../runtime/connect/html";
import { renderForm, renderNotice, renderSuccess, type FormView } from "../../../runtime/connect/render";
import { contentSecurityPolicy, htmlPage, seeOther } from "../../../runtime/connect/response";

const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>'`;

const view: FormView = {
  appName: "Acme Notes",
  vendorName: "GitHub",
  fields: [
    { kind: "secret", name: "token", label: "Personal access token", description: "A classic (ghp_…) token.", placeholder: "ghp_…", optional: false },
    { kind: "setting", name: "site", label: "Site", optional: true },
  ],
};

describe("renderForm", () => {
  it("has a language, a title, one main landmark and a heading naming the vendor and the app", () => {
    const html = renderForm(view);
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain("<title>Connect GitHub to Acme Notes</title>");
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html).toContain("<h1>Connect GitHub to Acme Notes</h1>");
    expect(html).not.toMatch(/<script|\son\w+=|javascript:/i);
  });

  it("labels each input, describes it with its hint, and makes secrets password inputs without autocomplete", () => {
    const html = renderForm(view);
    expect(html).toContain('<label for="auth-token">Personal access token</label>');
    expect(html).toMatch(/<input id="auth-token" name="auth.token" type="password" autocomplete="off"[^>]* required aria-required="true" placeholder="ghp_…" aria-describedby="auth-token-hint">/);
    expect(html).toContain('<span class="hint" id="auth-token-hint">A classic (ghp_…) token.</span>');
    expect(html).toContain('<label for="config-site">Site (optional)</label>');
    expect(html).toMatch(/<input id="config-site" name="config.site" type="text" autocomplete="off"/);
    expect(html).not.toMatch(/id="config-site"[^>]*required/);
  });

  it("escapes vendor, app, labels, hints, placeholders and typed values", () => {
    const html = renderForm({
      appName: HOSTILE,
      vendorName: HOSTILE,
      fields: [{ kind: "setting", name: "site", label: HOSTILE, description: HOSTILE, placeholder: HOSTILE, optional: false, value: HOSTILE, error: HOSTILE }],
      problem: { heading: HOSTILE, message: HOSTILE },
    });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toMatch(/"><script/);
    expect(html).toContain(escapeHtml(HOSTILE));
  });

  it("never echoes a secret, but keeps a typed setting", () => {
    const html = renderForm({ ...view, fields: [{ ...view.fields[0]!, value: "ghp_secret_value" }, { ...view.fields[1]!, value: "eu-1" }] });
    expect(html).not.toContain("ghp_secret_value");
    expect(html).toContain('value="eu-1"');
  });

  it("on errors: a focused alert summary linking each bad field, which is marked invalid and described by its error", () => {
    const html = renderForm({ ...view, fields: [{ ...view.fields[0]!, error: "is required" }, view.fields[1]!], attemptsLeft: 3 });
    expect(html).toMatch(/<div class="summary" id="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-heading"><h2 id="summary-heading">One field needs fixing<\/h2>/);
    expect(html).toContain('<a href="#auth-token">Personal access token: is required</a>');
    expect(html).toContain('aria-describedby="auth-token-hint auth-token-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('<span class="error" id="auth-token-error">is required</span>');
    expect(html).toContain("3 tries are left on this link.");
  });

  it("has no summary when nothing is wrong", () => {
    expect(renderForm(view)).not.toContain('role="alert"');
  });
});

describe("the pages without a form", () => {
  it("success names both sides and carries no form", () => {
    const html = renderSuccess({ appName: "Acme", vendorName: "GitHub" });
    expect(html).toContain("<h1>GitHub is connected to Acme</h1>");
    expect(html).not.toContain("<form");
  });

  it("a notice has its title as title and heading, and no form", () => {
    const html = renderNotice({ title: "This connect link has expired", message: "Get a new one." });
    expect(html).toContain("<title>This connect link has expired</title><style>");
    expect(html).toContain("<h1>This connect link has expired</h1><p>Get a new one.</p>");
    expect(html).not.toContain("<form");
  });
});

describe("response headers", () => {
  it("the CSP allows exactly the page's inline stylesheet, no script, forms back here only", async () => {
    const res = await htmlPage(200, renderForm(view));
    const csp = res.headers.get("content-security-policy") ?? "";
    const style = /<style>([\s\S]*)<\/style>/.exec(await res.text())?.[1] ?? "";
    const hash = createHash("sha256").update(style).digest("base64");
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("a session with a redirect allows the form to lead to the app's origin, and the 303 carries the same guards", async () => {
    expect(await contentSecurityPolicy("https://app.example")).toContain("form-action 'self' https://app.example;");
    const res = await seeOther("https://app.example/done?connection_id=c&status=connected");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("https://app.example/done?connection_id=c&status=connected");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });
});
