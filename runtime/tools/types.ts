// The executor's vocabulary: what it is given (a built request, an auth spec, an opened
// credential) and what it gives back (a trimmed result or a structured error).

// The request and auth shapes are defined beside the compiled connector modules that produce
// them (codegen/templates/connector-runtime.ts, copied into generated/connectors/), once.
export type { AuthSpec, BuiltRequest, CredentialTemplate, CredentialValue } from "../../generated/connectors/connector-runtime";
import type { AuthSpec } from "../../generated/connectors/connector-runtime";

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
