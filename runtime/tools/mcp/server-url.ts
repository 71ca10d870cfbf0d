// Where an `mcp` connector's calls go: the manifest's `auth.mcp.url` (its `{{config.x}}`
// filled in, encoded so a setting cannot move the host), or CONNECTOR_<ID>_URL outside
// production, as for every other connector. Its origin is then the only one the client contacts.
import { urlOverride } from "../../config";
import { ApiError } from "../../errors";
import { overrideVarOf } from "../connector-url";

export function mcpServerUrl(env: Env, connectorId: string, manifestUrl: string, config: Readonly<Record<string, string>> = {}): string {
  const override = urlOverride(env, overrideVarOf(connectorId));
  if (override !== undefined) return override;
  const filled = manifestUrl.replace(/\{\{\s*config\.([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => {
    const value = config[key];
    if (!value) throw new ApiError("invalid_request", `the ${connectorId} connection has no setting "${key}" for its MCP server URL; reconnect the account`);
    return encodeURIComponent(value);
  });
  let url: URL | null = null;
  try {
    url = new URL(filled);
  } catch {
    // Reported below.
  }
  if (url?.protocol !== "https:") throw new ApiError("internal", `connector ${connectorId}'s auth.mcp.url is not an absolute https URL once its settings are filled in`);
  return filled;
}
