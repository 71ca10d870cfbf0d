// The one executor: any connector tool, from a built request, an auth spec and an opened
// credential, to a trimmed result or a structured error. Order of work: host guard →
// (OAuth token) → send with same-host redirects → retry 429/5xx within bounds → trim.
// Every string it returns or logs passes through the call's Redactor.
import { onAllowedHost } from "./host-guard";
import { MissingCredentialField } from "./inject";
import { TokenCache } from "./oauth-tokens";
import { DEFAULT_MAX_BODY_BYTES, readCapped } from "./read-capped";
import { Redactor } from "./redact";
import { backoffMs, isRetryableStatus, parseRetryAfter } from "./retry";
import { sendOnce, type SendOutcome } from "./send";
import { requestToken, TokenFetchError } from "./token-request";
import { applySelect, render, truncate, type Select } from "./trim";
import type { AuthSpec, BuiltRequest, Credential, ToolError, ToolErrorKind, ToolOutcome } from "./types";
import { vendorMessage } from "./vendor-message";

export interface ExecuteOptions {
  /** The manifest's base URL (or its `CONNECTOR_<ID>_URL` override): its origin is the only one contacted. */
  baseUrl: string;
  auth: AuthSpec;
  credential: Credential;
  /** Keys the OAuth token cache: one connection, one token, one fetch at a time. */
  connectionId: string;
  /** Shared across calls (one per isolate); a fresh cache per call would fetch a token every time. */
  tokens?: TokenCache;
  select?: Select | null;
  maxChars?: number | null;
  /** Per attempt, covering redirects and the body read. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** Longest total time spent waiting between attempts; a longer Retry-After ends the call instead. */
  maxTotalWaitMs?: number;
  maxRedirects?: number;
  backoffBaseMs?: number;
  /** Bytes of the vendor's body read at most (4 MiB); the rest is dropped and the result marked truncated. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** One line per attempt, already redacted; no query strings (they may carry keys). */
  log?: (line: string) => void;
}

const defaultTokens = new TokenCache();
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function executeTool(req: BuiltRequest, opts: ExecuteOptions): Promise<ToolOutcome> {
  const redact = new Redactor(opts.credential);
  try {
    return await run(req, opts, redact);
  } catch (err) {
    return failure(redact, ...classify(err));
  }
}

async function run(req: BuiltRequest, opts: ExecuteOptions, redact: Redactor): Promise<ToolOutcome> {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.append(k, v);
  if (!onAllowedHost(url, opts.baseUrl)) return refused(redact, url.host, opts.baseUrl);

  const maxAttempts = opts.maxAttempts ?? 3;
  const sleep = opts.sleep ?? realSleep;
  let waited = 0;
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const signal = attemptSignal(opts);
    const token = await oauthToken(opts, redact, signal);
    const started = Date.now();
    const sent = await sendOnce(req, url, { ...sendContext(opts, signal), oauthToken: token });
    if (sent.kind !== "response") return notSent(redact, sent, opts.baseUrl);
    const { response } = sent;
    opts.log?.(redact.apply(`tools: ${sent.method} ${sent.url.host}${sent.url.pathname} → ${response.status} in ${Date.now() - started} ms (attempt ${attempt})`));

    if (response.status === 401 && token !== undefined && !refreshed) {
      // The token died early (revoked, clock skew): drop it and try once with a fresh one.
      await response.body?.cancel();
      tokensOf(opts).reject(opts.connectionId, token);
      refreshed = true;
      attempt--;
      continue;
    }
    const body = await readCapped(response, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (response.ok) return success(redact, response, body, opts);

    const text = body.text;
    const retryable = isRetryableStatus(response.status, sent.method);
    if (!retryable || attempt >= maxAttempts) return vendorFailure(redact, response.status, text, retryable);
    const wait = parseRetryAfter(response.headers.get("retry-after"), Date.now()) ?? backoffMs(attempt, opts.backoffBaseMs ?? 250);
    if (waited + wait > (opts.maxTotalWaitMs ?? 10_000)) return vendorFailure(redact, response.status, text, true);
    waited += wait;
    await sleep(wait);
  }
}

function tokensOf(opts: ExecuteOptions): TokenCache {
  return opts.tokens ?? defaultTokens;
}

function attemptSignal(opts: ExecuteOptions): AbortSignal {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  return opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
}

function sendContext(opts: ExecuteOptions, signal: AbortSignal) {
  return { baseUrl: opts.baseUrl, auth: opts.auth, credential: opts.credential, maxRedirects: opts.maxRedirects ?? 5, fetchFn: opts.fetch ?? fetch, signal };
}

async function oauthToken(opts: ExecuteOptions, redact: Redactor, signal: AbortSignal): Promise<string | undefined> {
  const auth = opts.auth;
  if (auth.mode !== "oauth2_client_credentials") return undefined;
  const token = await tokensOf(opts).get(opts.connectionId, () => requestToken(auth, opts.credential, opts.fetch ?? fetch, signal));
  redact.add(token);
  return token;
}

function success(redact: Redactor, response: Response, body: { text: string; cut: boolean }, opts: ExecuteOptions): ToolOutcome {
  const text = body.cut ? body.text + `\n…[truncated: the vendor's answer exceeded ${opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes]` : body.text;
  let value: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json") || /^\s*[[{]/.test(text)) {
    try {
      value = applySelect(JSON.parse(text), opts.select);
    } catch {
      // Not JSON after all: the model gets the text, `select` cannot apply.
    }
  }
  // Redact before cutting, so a cut cannot split a secret into an unrecognisable prefix.
  const cut = truncate(redact.apply(render(value)), opts.maxChars);
  return { ok: true, status: response.status, content: cut.text, truncated: cut.truncated || body.cut };
}

function vendorFailure(redact: Redactor, status: number, text: string, retryable: boolean): ToolError {
  return failure(redact, "vendor", status, vendorMessage(redact.apply(text), status), retryable);
}

function refused(redact: Redactor, host: string, baseUrl: string): ToolError {
  const allowed = new URL(baseUrl).host;
  return failure(redact, "host_refused", 502, `refused to send to ${host}: this connector may only call ${allowed}`, false);
}

function notSent(redact: Redactor, sent: Exclude<SendOutcome, { kind: "response" }>, baseUrl: string): ToolError {
  if (sent.kind === "host_refused") return refused(redact, sent.host, baseUrl);
  return failure(redact, "too_many_redirects", 502, "the vendor redirected too many times", false);
}

function classify(err: unknown): [ToolErrorKind, number, string, boolean] {
  if (err instanceof MissingCredentialField) return ["missing_credential", 401, err.message, false];
  if (err instanceof TokenFetchError) {
    const retryable = err.status === 429 || err.status >= 500;
    return ["token_fetch", err.status, `could not get an access token: ${err.message}`, retryable];
  }
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError") return ["timeout", 504, "the vendor did not answer in time", true];
  if (name === "AbortError") return ["timeout", 499, "the call was cancelled", false];
  // Network errors' text can include the URL (and so a query-string key): only the redacted cause.
  const cause = err instanceof Error ? String((err.cause as Error | undefined)?.message ?? err.message) : String(err);
  return ["network", 502, `could not reach the vendor: ${cause}`, true];
}

function failure(redact: Redactor, kind: ToolErrorKind, status: number, message: string, retryable: boolean): ToolError {
  return { ok: false, kind, status, message: redact.apply(message), retryable };
}
