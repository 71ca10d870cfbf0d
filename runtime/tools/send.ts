// One attempt: inject the credential, send, and follow redirects by hand, each hop checked
// against the manifest's host before anything is sent to it.
import { methodAfterRedirect, onAllowedHost, redirectTarget } from "./host-guard";
import { injectCredential } from "./inject";
import type { AuthSpec, BuiltRequest, Credential } from "./types";

export interface SendContext {
  baseUrl: string;
  auth: AuthSpec;
  credential: Credential;
  oauthToken?: string;
  maxRedirects: number;
  fetchFn: typeof fetch;
  signal: AbortSignal;
}

export type SendOutcome =
  | { kind: "response"; response: Response; method: string; url: URL }
  | { kind: "host_refused"; host: string }
  | { kind: "too_many_redirects" };

export async function sendOnce(req: BuiltRequest, url: URL, ctx: SendContext): Promise<SendOutcome> {
  let method: string = req.method;
  let body = req.body ?? null;
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    if (!onAllowedHost(current, ctx.baseUrl)) return { kind: "host_refused", host: current.host };
    const out = { url: new URL(current), headers: new Headers(req.headers ?? {}) };
    if (body === null) out.headers.delete("content-type");
    injectCredential(out, ctx.auth, ctx.credential, ctx.oauthToken);
    // Called unbound: workerd's fetch refuses any other `this` ("Illegal invocation").
    const fetchFn = ctx.fetchFn;
    const response = await fetchFn(out.url, { method, headers: out.headers, body, signal: ctx.signal, redirect: "manual" });
    const next = redirectTarget(response, out.url);
    if (next === null) return { kind: "response", response, method, url: out.url };
    await response.body?.cancel();
    if (hop >= ctx.maxRedirects) return { kind: "too_many_redirects" };
    const after = methodAfterRedirect(response.status, method);
    method = after.method;
    if (!after.keepBody) body = null;
    current = next;
  }
}
