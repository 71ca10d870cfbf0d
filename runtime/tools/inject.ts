// Puts the credential onto an outgoing request, exactly as each auth mode's vendor expects.
// Pure and idempotent (query params are set, the path prefix is added once), so a redirect
// within the host can run it again on the new URL.
import type { AuthSpec, Credential, CredentialTemplate, CredentialValue } from "./types";

/** The outgoing request while it is being prepared: a mutable URL and headers. */
export interface Outgoing {
  url: URL;
  headers: Headers;
}

/** Thrown when the credential lacks a field the auth mode needs (names the field, never a value). */
export class MissingCredentialField extends Error {
  constructor(readonly field: string) {
    super(`the connection's credential has no "${field}"; reconnect the account`);
  }
}

function field(cred: Credential, name: string): string {
  const v = cred[name];
  if (v === undefined || v === "") throw new MissingCredentialField(name);
  return v;
}

/** A field's value, or a template's literal text and field values joined (Mailgun's `api`, Zendesk's `<email>/token`). */
function fill(cred: Credential, value: CredentialValue): string {
  if (typeof value === "string") return field(cred, value);
  return (value as CredentialTemplate).map((p) => (typeof p === "string" ? p : field(cred, p.field))).join("");
}

/** `oauthToken` is the access token for oauth2_client_credentials (fetched by the token cache). */
export function injectCredential(out: Outgoing, auth: AuthSpec, cred: Credential, oauthToken?: string): void {
  switch (auth.mode) {
    case "none":
      return;
    case "bearer":
    case "mcp":
      out.headers.set("Authorization", `Bearer ${field(cred, auth.field)}`);
      return;
    case "api_key":
      out.headers.set(auth.header, `${auth.prefix ?? ""}${field(cred, auth.field)}`);
      return;
    case "basic": {
      const pair = "username" in auth ? `${fill(cred, auth.username)}:${fill(cred, auth.password)}` : `${field(cred, auth.username_field)}:${field(cred, auth.password_field)}`;
      out.headers.set("Authorization", `Basic ${base64(pair)}`);
      return;
    }
    case "api_key_multi_header":
      for (const [header, value] of Object.entries(auth.headers)) out.headers.set(header, fill(cred, value));
      return;
    case "api_key_query":
      for (const [param, value] of Object.entries(auth.params)) out.url.searchParams.set(param, fill(cred, value));
      return;
    case "bot_token":
      out.headers.set("Authorization", `${auth.scheme} ${field(cred, auth.field)}`);
      return;
    case "token_in_url_path": {
      const segment = `${auth.prefix}${pathSegment(field(cred, auth.field))}`;
      // Idempotent: a same-host redirect's Location usually already carries the segment.
      if (out.url.pathname === segment || out.url.pathname.startsWith(`${segment}/`)) return;
      out.url.pathname = `${segment}${out.url.pathname === "/" ? "" : out.url.pathname}`;
      return;
    }
    case "oauth2_client_credentials":
      if (!oauthToken) throw new Error("oauth2_client_credentials needs an access token from the token cache");
      out.headers.set("Authorization", `Bearer ${oauthToken}`);
      return;
    default: {
      const never: never = auth;
      throw new Error(`unknown auth mode ${JSON.stringify(never)}`);
    }
  }
}

/** Encoded for one path segment; ":" and "@" are legal there (RFC 3986 pchar) and Telegram's tokens hold a ":". */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replaceAll("%3A", ":").replaceAll("%40", "@");
}

/** UTF-8 safe base64 (btoa alone rejects non-Latin-1 passwords). */
export function base64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}
