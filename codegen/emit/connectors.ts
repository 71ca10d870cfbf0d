import type { ManifestView } from "../validate/manifest-view";
import { lookupRows, objectWithRows } from "./compact-literal";
import { compiledAuth, compiledRequest, REQUEST_TYPES } from "./connector-requests";
import { emitToolValidators } from "./connector-validators";
import { tsHeader } from "./header";
import { LOOKUP_TABLE_IMPORT } from "./shared";

/**
 * `generated/connectors/`: the manifests, the catalog derived from them, compiled request
 * templates and input validators. Data is one line per connector or tool (105 connectors
 * must not become tens of thousands of lines); code is emitted once.
 */
export function emitConnectors(manifests: ManifestView[]): Record<string, string> {
  const sorted = [...manifests].sort((a, b) => a.id.localeCompare(b.id));
  const manifestRows = sorted.map((m) => `  ${objectWithRows(m as unknown as Record<string, unknown>, "tools", "  ")},`).join("\n");
  const catalog = `${tsHeader()}import type { components } from "../api/types";
import type { ConnectorManifest } from "../schemas/types";
${LOOKUP_TABLE_IMPORT}

/** Every manifest as written (validated), by id; one line per connector and per tool. */
const MANIFESTS: readonly ConnectorManifest[] = [
${manifestRows}
];

/** Every manifest by connector id (no prototype: see lookupTable). */
export const manifests: Readonly<Record<string, ConnectorManifest>> = lookupTable(MANIFESTS.map((m) => [m.id, m] as const));

/** A connector's entry in GET /v1/connectors: derived here, so the manifests are the only copy of the text. */
function summary(m: ConnectorManifest): components["schemas"]["ConnectorSummary"] {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    categories: m.categories,
    auth_mode: m.auth.mode,
    tools: m.tools.map((t) => ({
      name: \`\${m.id}/\${t.name}\`,
      description: t.description,
      read_only: t.annotations?.read_only ?? false,
      destructive: t.annotations?.destructive ?? false,
    })),
  };
}

/** GET /v1/connectors, built from connectors/*.yaml. */
export const connectorCatalog: components["schemas"]["ConnectorSummary"][] = MANIFESTS.map(summary);
`;
  const requests = sorted.flatMap((m) => m.tools.map((t) => [`${m.id}/${t.name}`, compiledRequest(t)] as const));
  const auth = sorted.map((m) => [m.id, compiledAuth(m)] as const);
  const requestsTs = `${tsHeader()}${LOOKUP_TABLE_IMPORT}

${REQUEST_TYPES}
/** Request templates per tool (\`<connector>/<tool>\`), parsed at codegen time (no prototype). */
export const toolRequests: Readonly<Record<string, CompiledRequest>> = ${lookupRows("CompiledRequest", requests)};

/** Base URL, default headers and credential injection per connector (no prototype). */
export const connectorAuth: Readonly<Record<string, CompiledConnectorAuth>> = ${lookupRows("CompiledConnectorAuth", auth)};
`;
  return {
    "connectors/catalog.ts": catalog,
    "connectors/requests.ts": requestsTs,
    ...emitToolValidators(sorted),
  };
}
