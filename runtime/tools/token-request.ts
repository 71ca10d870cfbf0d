// The OAuth2 client-credentials grant (RFC 6749 §4.4): POST the token URL, read
// `access_token` and `expires_in`. Client credentials go in the body or as HTTP Basic, the
// body is a form (default) or JSON, and extra grant parameters (Zoom's
// `grant_type=account_credentials&account_id=…`) are added, all as the connector's manifest says.
import { base64 } from "./inject";
import type { FetchedToken } from "./oauth-tokens";
import type { AuthSpec, Credential } from "./types";
import { vendorMessage } from "./vendor-message";

type OAuthSpec = Extract<AuthSpec, { mode: "oauth2_client_credentials" }>;

/** The token endpoint refused or failed; `message` is the endpoint's own (redacted later). */
export class TokenFetchError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function requestToken(spec: OAuthSpec, cred: Credential, fetchFn: typeof fetch, signal: AbortSignal): Promise<FetchedToken> {
  const id = cred[spec.client_id_field] ?? "";
  const secret = cred[spec.client_secret_field] ?? "";
  const params: Record<string, string> = { grant_type: "client_credentials" };
  if (spec.scope) params.scope = spec.scope;
  // The manifest's own parameters may replace grant_type (account_credentials) or add to it.
  for (const [k, v] of Object.entries(spec.params ?? {})) params[k] = v;
  const json = spec.token_body_encoding === "json";
  const headers: Record<string, string> = { "content-type": json ? "application/json" : "application/x-www-form-urlencoded", accept: "application/json" };
  if (spec.client_auth === "basic") {
    // RFC 6749 §2.3.1: both parts form-encoded before Basic.
    headers.authorization = `Basic ${base64(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
  } else {
    params.client_id = id;
    params.client_secret = secret;
  }
  const payload = json ? JSON.stringify(params) : new URLSearchParams(params).toString();
  const res = await fetchFn(spec.token_url, { method: "POST", headers, body: payload, signal, redirect: "manual" });
  const text = await res.text();
  if (!res.ok) throw new TokenFetchError(res.status, vendorMessage(text, res.status));
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new TokenFetchError(502, "the token endpoint answered with something other than JSON");
  }
  if (typeof body.access_token !== "string" || body.access_token === "") {
    throw new TokenFetchError(502, "the token endpoint's answer has no access_token");
  }
  const expiresIn = Number(body.expires_in);
  return { token: body.access_token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : null };
}
