// No credential ever appears in an error, a result or a log line, whatever the vendor echoes
// back and however the call fails. Each case searches every output for the secret in the
// forms it travels in (raw, URL-encoded, base64 inside Basic).
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { executeTool, type ExecuteOptions } from "../../../runtime/tools/execute";
import { TokenCache } from "../../../runtime/tools/oauth-tokens";
import type { AuthSpec, BuiltRequest, Credential } from "../../../runtime/tools/types";
import { redirect } from "../../support/mock-vendor";
import { useMockVendor } from "../../support/use-mock-vendor";

const SECRET = "s3cr3t/Key+ZZ9";
const forms = [SECRET, encodeURIComponent(SECRET), Buffer.from(`user@example.com:${SECRET}`).toString("base64")];

const vendor = useMockVendor();

const modes: [string, AuthSpec, Credential][] = [
  ["bearer", { mode: "bearer", field: "k" }, { k: SECRET }],
  ["api_key", { mode: "api_key", header: "X-Api-Key", field: "k" }, { k: SECRET }],
  ["basic", { mode: "basic", username_field: "u", password_field: "k" }, { u: "user@example.com", k: SECRET }],
  ["api_key_multi_header", { mode: "api_key_multi_header", headers: { "X-A": "k", "X-B": "k2" } }, { k: SECRET, k2: `${SECRET}-2` }],
  ["api_key_query", { mode: "api_key_query", params: { key: "k" } }, { k: SECRET }],
  ["bot_token", { mode: "bot_token", field: "k", scheme: "Bot" }, { k: SECRET }],
  ["token_in_url_path", { mode: "token_in_url_path", field: "k", prefix: "/bot" }, { k: SECRET }],
  ["mcp", { mode: "mcp", field: "k" }, { k: SECRET }],
];

async function everyOutput(req: BuiltRequest, auth: AuthSpec, credential: Credential, extra: Partial<ExecuteOptions> = {}): Promise<string> {
  const logs: string[] = [];
  const out = await executeTool(req, { baseUrl: vendor.url, auth, credential, connectionId: "c", log: (l) => logs.push(l), sleep: async () => {}, ...extra });
  return JSON.stringify(out) + "\n" + logs.join("\n");
}

function expectNoSecret(text: string): void {
  for (const f of forms) expect(text).not.toContain(f);
}

describe("secrets never leave the executor", () => {
  it.each(modes)("%s: a vendor echoing the request (headers, URL) in an error and in a result", async (_, auth, credential) => {
    // The worst vendor: it puts everything it received into its error message and its data.
    const echo = () => JSON.stringify(vendor.requests.at(-1));
    const text = [] as string[];
    for (const status of [400, 200]) {
      vendor.reset();
      const out = await everyOutput({ method: "GET", url: `${vendor.url}/e` }, auth, credential, {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          await res.text();
          return new Response(JSON.stringify({ message: `rejected: ${echo()}`, data: echo() }), { status, headers: { "content-type": "application/json" } });
        },
      });
      expect(out).toContain("[redacted]");
      text.push(out);
    }
    expectNoSecret(text.join("\n"));
  });

  it("a 401 naming the key, a 5xx retried with logs, and a plain-text page", async () => {
    vendor.script("/a", { status: 401, body: { message: `Invalid API key ${SECRET}` } });
    vendor.script("/b", { status: 503, body: `<html><body>backend for key=${encodeURIComponent(SECRET)} down</body></html>` });
    const auth: AuthSpec = { mode: "api_key_query", params: { key: "k" } };
    const a = await everyOutput({ method: "GET", url: `${vendor.url}/a` }, auth, { k: SECRET });
    const b = await everyOutput({ method: "GET", url: `${vendor.url}/b` }, auth, { k: SECRET });
    expect(a).toContain("Invalid API key [redacted]");
    expect(b).toContain("backend for key=[redacted] down");
    expect(b.split("\n").filter((l) => l.startsWith("tools:"))).toHaveLength(3);
    expectNoSecret(a + b);
  });

  it("a vendor that cannot be reached (the key in the URL's query and path)", async () => {
    const closed = await freePort();
    const base = `http://127.0.0.1:${closed}`;
    const text = await executeTool({ method: "GET", url: `${base}/x` }, { baseUrl: base, auth: { mode: "token_in_url_path", field: "k", prefix: "/bot" }, credential: { k: SECRET }, connectionId: "c", sleep: async () => {} });
    expect(text).toMatchObject({ ok: false, kind: "network", retryable: true });
    expectNoSecret(JSON.stringify(text));
  });

  it("a redirect to another host carrying the key in its Location", async () => {
    vendor.script("/r", redirect(`http://evil.example/?k=${encodeURIComponent(SECRET)}`));
    const text = await everyOutput({ method: "GET", url: `${vendor.url}/r` }, { mode: "bearer", field: "k" }, { k: SECRET });
    expect(text).toContain("host_refused");
    expectNoSecret(text);
  });

  it("OAuth2: neither the client secret nor the access token appears, even when echoed", async () => {
    vendor.oauth.clientSecret = SECRET;
    vendor.script("/o", { status: 403, body: { message: "forbidden for token tok-1" } });
    const auth: AuthSpec = { mode: "oauth2_client_credentials", token_url: `${vendor.url}/oauth/token`, client_id_field: "id", client_secret_field: "k" };
    const ok = await everyOutput({ method: "GET", url: `${vendor.url}/o` }, auth, { id: "client-id", k: SECRET }, { tokens: new TokenCache() });
    expect(ok).toContain("forbidden for token [redacted]");
    expect(ok).not.toContain("tok-1");
    vendor.oauth.clientSecret = "other";
    const refused = await everyOutput({ method: "GET", url: `${vendor.url}/o` }, auth, { id: "client-id", k: SECRET }, { tokens: new TokenCache() });
    expect(refused).toContain("token_fetch");
    expectNoSecret(ok + refused);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
