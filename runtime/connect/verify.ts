// Asking the vendor whether what the end user typed works, before anything is stored: the
// manifest's verify request (through the executor; an OAuth2 client-credentials connector
// fetches a token), or an MCP server's tools/list (whose answer is kept on the connection).
// The outcome is one of three things the page can say: connected, refused (fix and retry),
// or unavailable (the vendor could not answer; retry later).
import { ApiError } from "../errors";
import type { Credential, ToolError, ToolOutcome } from "../tools/types";
import type { ConnectorForm } from "./connector-form";

/** The executor entry points the page needs (runtime/tools; injected so tests can stand in). */
export interface Verifiers {
  verifyCredential(env: Env, connectorId: string, credential: Credential, config: Readonly<Record<string, string>>, opts: { connectionId: string }): Promise<ToolOutcome>;
  /** An MCP connector's server URL, its `{{config.x}}` filled in (or CONNECTOR_<ID>_URL); throws an invalid_request ApiError when a setting is missing. */
  mcpServerUrl(env: Env, connectorId: string, manifestUrl: string, config: Readonly<Record<string, string>>): string;
  /** Throws an error carrying `outcome: ToolError` when the server refuses or cannot be reached. */
  listMcpTools(env: Env, serverUrl: string, token: string): Promise<readonly unknown[]>;
}

export type Verification =
  | { ok: true; mcpTools: readonly unknown[] | null }
  | { ok: false; kind: "refused" | "unavailable"; message: string };

/** The longest vendor reason the page shows. */
const MAX_REASON_CHARS = 300;

export async function verifyConnection(
  env: Env,
  form: ConnectorForm,
  submitted: { credential: Credential; config: Readonly<Record<string, string>>; connectionId: string },
  deps: Verifiers,
): Promise<Verification> {
  const secrets = Object.values(submitted.credential);
  if (form.mode === "mcp") {
    let url: string;
    try {
      url = deps.mcpServerUrl(env, form.id, form.mcpUrl ?? "", submitted.config);
    } catch (err) {
      if (err instanceof ApiError && err.kind === "invalid_request") return { ok: false, kind: "refused", message: err.message };
      throw err;
    }
    try {
      const tools = await deps.listMcpTools(env, url, submitted.credential.connection_token ?? "");
      return { ok: true, mcpTools: tools };
    } catch (err) {
      const outcome = toolErrorOf(err);
      if (outcome === null) throw err;
      return judged(outcome, secrets);
    }
  }
  const outcome = await deps.verifyCredential(env, form.id, submitted.credential, submitted.config, { connectionId: submitted.connectionId });
  return outcome.ok ? { ok: true, mcpTools: null } : judged(outcome, secrets);
}

/**
 * A refusal is the vendor saying no to these credentials (a 4xx other than 429, a token
 * endpoint's 4xx, a missing field); anything else — timeouts, 5xx, 429, a refused host — is
 * the vendor being out of reach, which says nothing about the credentials.
 */
export function judged(outcome: ToolError, secrets: readonly string[]): Verification {
  const refused =
    outcome.kind === "missing_credential" ||
    outcome.kind === "invalid_input" ||
    ((outcome.kind === "vendor" || outcome.kind === "token_fetch") && outcome.status >= 400 && outcome.status < 500 && outcome.status !== 429);
  return { ok: false, kind: refused ? "refused" : "unavailable", message: reasonOf(outcome, secrets) };
}

/** The vendor's reason, without any submitted secret (the executor redacts too; this is the page's own guard), trimmed. */
export function reasonOf(outcome: ToolError, secrets: readonly string[]): string {
  let text = outcome.message;
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join("[redacted]");
  text = text.trim() || `the vendor answered ${outcome.status}`;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

function toolErrorOf(err: unknown): ToolError | null {
  const outcome = (err as { outcome?: unknown } | null)?.outcome;
  if (typeof outcome === "object" && outcome !== null && (outcome as ToolError).ok === false) return outcome as ToolError;
  return null;
}
