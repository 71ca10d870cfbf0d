import { readFile } from "node:fs/promises";
import type { ManifestView } from "../validate/manifest-view";
import { objectWithRows } from "./compact-literal";
import { emitConnectorModule } from "./connector-module";
import { emitConnectorValidators } from "./connector-validators";
import { tsHeader } from "./header";
import { LOOKUP_TABLE_IMPORT } from "./shared";

/** A manifest without what only its module needs (input schemas, requests, verify) or only readers need (docs_url): the catalog's row. */
function head(m: ManifestView): Record<string, unknown> {
  const { verify: _verify, docs_url: _docs, tools, ...rest } = m;
  return { ...rest, tools: tools.map((t) => ({ name: t.name, description: t.description, ...(t.annotations ? { annotations: t.annotations } : {}) })) };
}

/**
 * `generated/connectors/`: the light catalog (every connector's name, auth and tool names, for
 * GET /v1/connectors and the connect page), one compiled module per connector with its own
 * validators, the registry that loads a module only when its connector is used, and the
 * helpers the modules share (a copy of codegen/templates/connector-runtime.ts).
 */
export async function emitConnectors(manifests: ManifestView[]): Promise<Record<string, string>> {
  const sorted = [...manifests].sort((a, b) => a.id.localeCompare(b.id));
  const manifestRows = sorted.map((m) => `  ${objectWithRows(head(m), "tools", "  ")},`).join("\n");
  const catalog = `${tsHeader()}import type { components } from "../api/types";
import type { ConnectorManifest } from "../schemas/types";
${LOOKUP_TABLE_IMPORT}

/** A manifest as the catalog keeps it: everything but input schemas, requests and verify (those load with the connector's module). */
export type ConnectorHead = Pick<ConnectorManifest, "id" | "name" | "description" | "categories" | "auth" | "http"> & { tools: Pick<ConnectorManifest["tools"][number], "name" | "description" | "annotations">[] };

/** Every manifest's head, by id; one line per connector and per tool. */
const MANIFESTS: readonly ConnectorHead[] = [
${manifestRows}
];

/** Every manifest's head by connector id (no prototype: see lookupTable). */
export const manifests: Readonly<Record<string, ConnectorHead>> = lookupTable(MANIFESTS.map((m) => [m.id, m] as const));

/** A connector's entry in GET /v1/connectors: derived here, so the manifests are the only copy of the text. */
function summary(m: ConnectorHead): components["schemas"]["ConnectorSummary"] {
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
  const files: Record<string, string> = { "connectors/catalog.ts": catalog };
  for (const m of sorted) {
    const validators = emitConnectorValidators(m);
    Object.assign(files, validators.files);
    files[`connectors/${m.id}.ts`] = emitConnectorModule(m, (tool) => validators.byTool.get(tool) as string);
  }
  files["connectors/registry.ts"] = registry(sorted.map((m) => m.id));
  files["connectors/connector-runtime.ts"] = tsHeader() + (await readFile(new URL("../templates/connector-runtime.ts", import.meta.url), "utf8"));
  return files;
}

/** `loadConnector(id)`: a switch of dynamic imports, so a connector's module is evaluated only when it is used. */
function registry(ids: readonly string[]): string {
  const cases = ids.map((id) => `    case ${JSON.stringify(id)}:\n      return import(${JSON.stringify(`./${id}`)}).then((m) => m.connector);`).join("\n");
  return `${tsHeader()}import type { ConnectorModule } from "./connector-runtime";

/** Every connector id with a compiled module. */
export const connectorIds: readonly string[] = Object.freeze(${JSON.stringify(ids)});

/** The compiled module of connector \`id\`, loaded on first use; undefined for an unknown id. */
export function loadConnector(id: string): Promise<ConnectorModule | undefined> {
  switch (id) {
${cases}
    default:
      return Promise.resolve(undefined);
  }
}
`;
}
