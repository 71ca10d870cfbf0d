// The executor's vocabulary: what it is given (a built request, an auth spec, an opened
// credential) and what it gives back (a trimmed result or a structured error).

/** A request as the (later, codegen-emitted) request builder produces it: absolute URL, encoded body. */
export interface BuiltRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
  /** Absolute URL on the manifest's host; `query` entries are appended to it. */
  url: string;
  query?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  /** Already encoded (JSON or form), with its Content-Type in `headers`; a string so retries can resend it. */
  body?: string | null;
}

/**
 * How a connector's credential reaches the vendor, one variant per auth mode in
 * ../shared/connectors/catalog.json. Field names (`field`, …) name keys of the opened credential.
 */
export type AuthSpec =
  | { mode: "none" }
  /** `Authorization: Bearer <token>` */
  | { mode: "bearer"; field: string }
  /** `<header>: <prefix><key>`, e.g. `PRIVATE-TOKEN: glpat-…` (prefix usually empty). */
  | { mode: "api_key"; header: string; field: string; prefix?: string }
  /** `Authorization: Basic base64(<username>:<password>)` */
  | { mode: "basic"; username_field: string; password_field: string }
  /** Several headers at once, header name → credential field (e.g. Datadog's two keys). */
  | { mode: "api_key_multi_header"; headers: Readonly<Record<string, string>> }
  /** Query parameters, parameter name → credential field (e.g. Trello's `key` and `token`). */
  | { mode: "api_key_query"; params: Readonly<Record<string, string>> }
  /** `Authorization: <scheme> <token>`, e.g. Discord's `Bot <token>`. */
  | { mode: "bot_token"; field: string; scheme: string }
  /** The token as the first path segment after `prefix`, e.g. Telegram's `/bot<token>/getMe`. */
  | { mode: "token_in_url_path"; field: string; prefix: string }
  /** A token from `token_url` (grant_type=client_credentials), sent as a Bearer token. */
  | {
      mode: "oauth2_client_credentials";
      token_url: string;
      client_id_field: string;
      client_secret_field: string;
      scope?: string;
      /** Client credentials in the form body (default) or as HTTP Basic. */
      client_auth?: "body" | "basic";
    }
  /** An MCP server's connection token, sent as a Bearer token (the MCP client itself is a later step). */
  | { mode: "mcp"; field: string };

export type AuthMode = AuthSpec["mode"];

/** A credential as the vault opens it: field name → value. Every value is secret. */
export type Credential = Readonly<Record<string, string>>;

/** What the model sees on success: text, cut to `max_chars` when asked. */
export interface ToolResult {
  ok: true;
  status: number;
  content: string;
  truncated: boolean;
}

/** Why a call failed, for the model and the API caller alike; never holds a credential. */
export type ToolErrorKind =
  | "invalid_input"
  | "vendor"
  | "timeout"
  | "network"
  | "host_refused"
  | "too_many_redirects"
  | "token_fetch"
  | "missing_credential"
  /** No tool by that `<connector>/<tool>` name (404). */
  | "unknown_tool";

export interface ToolError {
  ok: false;
  kind: ToolErrorKind;
  /** The vendor's HTTP status, or the closest gateway status for failures before an answer. */
  status: number;
  /** The vendor's own message when there is one, trimmed and with every secret redacted. */
  message: string;
  /** True when the same call may succeed later unchanged (429, 5xx, timeouts). */
  retryable: boolean;
}

export type ToolOutcome = ToolResult | ToolError;
