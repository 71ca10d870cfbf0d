// Where a connector's calls go: the manifest's base URL (its module's `baseUrl(config)`), or
// CONNECTOR_<ID>_URL when set outside production (tests and integrators point a vendor at a
// local server, as providers have UPSTREAM_<ID>_URL). The executor's host guard then allows
// that origin and no other. An OAuth2 token URL follows the override onto the same origin.
import type { Config, ConnectorModule } from "../../generated/connectors/connector-runtime";
import { urlOverride } from "../config";
import { ApiError } from "../errors";

/** `github` → `CONNECTOR_GITHUB_URL`, `google-drive` → `CONNECTOR_GOOGLE_DRIVE_URL`. */
export function overrideVarOf(connectorId: string): string {
  return `CONNECTOR_${connectorId.toUpperCase().replaceAll("-", "_")}_URL`;
}

/**
 * The base URL calls are built on. The override is read through runtime/config.ts, which
 * ignores it in production and refuses a value that is not an absolute http(s) URL, naming the var.
 * A missing setting in the manifest's base URL throws the module's MissingConfig.
 */
export function connectorBaseUrl(env: Env, connector: ConnectorModule, config: Config): string {
  const override = urlOverride(env, overrideVarOf(connector.id));
  if (override !== undefined) return override;
  const url = connector.baseUrl(config);
  if (url === null) throw new ApiError("internal", `connector ${connector.id} has no http.base_url, so its tools cannot be called over HTTP`);
  if (!isHttpUrl(url)) throw new ApiError("internal", `connector ${connector.id}'s base URL is not an absolute http(s) URL once its settings are filled in`);
  return url;
}

/**
 * The OAuth2 token URL to use: the manifest's, or under CONNECTOR_<ID>_URL the same path on the
 * override's origin (so a local vendor serves tokens too; production ignores the override).
 */
export function connectorTokenUrl(env: Env, connectorId: string, manifestTokenUrl: string): string {
  if (!isHttpUrl(manifestTokenUrl)) throw new ApiError("internal", `connector ${connectorId}'s token URL is not an absolute http(s) URL once its settings are filled in`);
  const override = urlOverride(env, overrideVarOf(connectorId));
  if (override === undefined) return manifestTokenUrl;
  const token = new URL(manifestTokenUrl);
  return new URL(`${token.pathname}${token.search}`, new URL(override).origin).href;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
