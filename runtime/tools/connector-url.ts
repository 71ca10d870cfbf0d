// Where a connector's calls go: the manifest's base URL, or CONNECTOR_<ID>_URL when set
// outside production (tests and integrators point a vendor at a local server, as providers
// have UPSTREAM_<ID>_URL). The executor's host guard then allows that origin and no other.
import type { CompiledConnectorAuth } from "../../generated/connectors/requests";
import { urlOverride } from "../config";
import { ApiError } from "../errors";

/** `github` → `CONNECTOR_GITHUB_URL`, `google-drive` → `CONNECTOR_GOOGLE_DRIVE_URL`. */
export function overrideVarOf(connectorId: string): string {
  return `CONNECTOR_${connectorId.toUpperCase().replaceAll("-", "_")}_URL`;
}

/**
 * The base URL calls are built on. The override is read through runtime/config.ts, which
 * ignores it in production and refuses a value that is not an absolute http(s) URL, naming the var.
 */
export function connectorBaseUrl(env: Env, connectorId: string, auth: CompiledConnectorAuth, config: Readonly<Record<string, string>>): string {
  const override = urlOverride(env, overrideVarOf(connectorId));
  if (override !== undefined) return override;
  if (auth.base_url === null) throw new ApiError("internal", `connector ${connectorId} has no http.base_url, so its tools cannot be called over HTTP`);
  return manifestBaseUrl(connectorId, auth.base_url, config);
}

/** `{{config.site}}` in a base URL is encoded, so a setting like `evil.com/#` cannot move the host. */
function manifestBaseUrl(connectorId: string, parts: NonNullable<CompiledConnectorAuth["base_url"]>, config: Readonly<Record<string, string>>): string {
  let text = "";
  for (const part of parts) {
    if (typeof part === "string") text += part;
    else if (part.ref === "config" && config[part.path[0] ?? ""]) text += encodeURIComponent(config[part.path[0] ?? ""]!);
    else throw new ApiError("invalid_request", `the ${connectorId} connection has no setting "${part.path.join(".")}" for its base URL; reconnect the account`);
  }
  try {
    const url = new URL(text);
    if (url.protocol === "https:" || url.protocol === "http:") return text;
  } catch {
    // Reported below.
  }
  throw new ApiError("internal", `connector ${connectorId}'s base URL is not an absolute http(s) URL once its settings are filled in`);
}
