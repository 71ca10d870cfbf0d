// A programmable local vendor for the tool executor's tests: scripted replies per path
// (status, headers such as Retry-After, body, delay), every request recorded, an OAuth2
// client-credentials token endpoint with a configurable lifetime that counts its fetches
// (at `/oauth/token`, and at a manifest's own token path when asked), and paths that demand
// one of its live tokens. Plain node:http on 127.0.0.1, random port.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface VendorReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  delayMs?: number;
}

export interface VendorRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  /** `expires_in` of each token issued, in seconds. */
  lifetimeS: number;
  /** Pause before answering a token request (widens the window for concurrent callers). */
  delayMs: number;
}

export interface MockVendor {
  url: string;
  /** `http://localhost:<port>`: the same server under another host name. */
  otherHostUrl: string;
  requests: VendorRequest[];
  /** Requests to the token endpoint (`/oauth/token` and any path given to serveTokenAt). */
  tokenFetches: number;
  oauth: OAuthSettings;
  /** Replies for `path`, used in order; the last one repeats. */
  script(path: string, ...replies: VendorReply[]): void;
  /** The token endpoint also answers at `path` (e.g. a manifest's `/v2/oauth2/token`), until reset. */
  serveTokenAt(path: string): void;
  /** Paths under `prefix` answer 401 unless sent `Authorization: Bearer <a live token>`. */
  requireToken(prefix: string): void;
  /** Every token issued so far stops working (as if it expired on the vendor's side). */
  expireTokens(): void;
  /** The same, once `n` more requests have reached token-protected paths. */
  expireTokensAfter(n: number): void;
  reset(): void;
  close(): Promise<void>;
}

/** A reply that redirects to `location` (absolute or relative). */
export const redirect = (location: string, status = 302): VendorReply => ({ status, headers: { location } });

export async function startMockVendor(): Promise<MockVendor> {
  const scripts = new Map<string, VendorReply[]>();
  const protectedPrefixes: string[] = [];
  const tokenPaths = new Set(["/oauth/token"]);
  let liveTokens = new Set<string>();
  let issued = 0;
  let expireAfter: number | null = null;

  const vendor: MockVendor = {
    url: "",
    otherHostUrl: "",
    requests: [],
    tokenFetches: 0,
    oauth: { clientId: "client-id", clientSecret: "client-secret", lifetimeS: 3600, delayMs: 0 },
    script: (path, ...replies) => void scripts.set(path, replies),
    serveTokenAt: (path) => void tokenPaths.add(path),
    requireToken: (prefix) => void protectedPrefixes.push(prefix),
    expireTokens: () => void (liveTokens = new Set()),
    expireTokensAfter: (n) => void (expireAfter = n),
    reset() {
      scripts.clear();
      protectedPrefixes.length = 0;
      tokenPaths.clear();
      tokenPaths.add("/oauth/token");
      liveTokens = new Set();
      issued = 0;
      expireAfter = null;
      vendor.requests.length = 0;
      vendor.tokenFetches = 0;
      vendor.oauth = { clientId: "client-id", clientSecret: "client-secret", lifetimeS: 3600, delayMs: 0 };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
    vendor.requests.push({ method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, at: Date.now() });

    if (tokenPaths.has(url.pathname)) return tokenEndpoint(headers, body, res);
    if (protectedPrefixes.some((p) => url.pathname.startsWith(p))) {
      if (expireAfter !== null && expireAfter-- <= 0) {
        liveTokens = new Set();
        expireAfter = null;
      }
      const token = (headers.authorization ?? "").replace(/^Bearer /, "");
      if (!liveTokens.has(token)) return send(res, { status: 401, body: { error: "invalid_token", message: "The access token expired" } });
    }
    const queue = scripts.get(url.pathname);
    const reply = queue && queue.length > 1 ? queue.shift()! : (queue?.[0] ?? { body: { ok: true } });
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    send(res, reply);
  }

  async function tokenEndpoint(headers: Record<string, string>, body: string, res: ServerResponse): Promise<void> {
    vendor.tokenFetches++;
    const form = new URLSearchParams(body);
    let id = form.get("client_id");
    let secret = form.get("client_secret");
    const basic = /^Basic (.+)$/.exec(headers.authorization ?? "");
    if (basic) [id, secret] = Buffer.from(basic[1]!, "base64").toString().split(":").map(decodeURIComponent) as [string, string];
    if (vendor.oauth.delayMs) await new Promise((r) => setTimeout(r, vendor.oauth.delayMs));
    if (form.get("grant_type") !== "client_credentials" || id !== vendor.oauth.clientId || secret !== vendor.oauth.clientSecret) {
      return send(res, { status: 401, body: { error: "invalid_client", error_description: `unknown client ${id}:${secret}` } });
    }
    const token = `tok-${++issued}`;
    liveTokens.add(token);
    send(res, { body: { access_token: token, token_type: "bearer", expires_in: vendor.oauth.lifetimeS } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, { status: 500, body: { message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
  const { port } = server.address() as AddressInfo;
  vendor.url = `http://127.0.0.1:${port}`;
  vendor.otherHostUrl = `http://localhost:${port}`;
  return vendor;
}

function send(res: ServerResponse, reply: VendorReply): void {
  if (res.headersSent) return;
  const isText = typeof reply.body === "string";
  const payload = reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
  const headers = { "content-type": isText ? "text/plain" : "application/json", ...reply.headers };
  res.writeHead(reply.status ?? 200, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}
