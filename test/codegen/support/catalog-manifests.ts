// Connector manifests synthesized from the shared fact catalog of the 105 connectors
// (../shared/connectors/catalog.json): every tool with its method, path, description and
// parameters (all strings; path parameters required, the rest as the catalog marks them),
// bearer auth. Not the real manifests — a stand-in of the right count and shape, so the
// size of what codegen emits for 105 connectors is measured rather than extrapolated.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { REPO } from "./temp-project";

export const SHARED_CATALOG = join(REPO, "../shared/connectors/catalog.json");
export const sharedCatalogAvailable = () => existsSync(SHARED_CATALOG);

interface CatalogRow {
  id: string;
  name: string;
  base_url: string;
  verify?: { method: string; path: string };
  tools: { name: string; method: string; path: string; description: string; params: string[] }[];
}

const connectorId = (s: string) => s.toLowerCase().replaceAll(/[^a-z0-9-]/g, "-");
const ident = (s: string) => s.toLowerCase().replaceAll(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "");
const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

/** One manifest per catalog row: file name → YAML text (with the `$schema` line codegen requires). */
export function catalogManifests(): Map<string, string> {
  const rows = JSON.parse(readFileSync(SHARED_CATALOG, "utf8")) as CatalogRow[];
  const out = new Map<string, string>();
  for (const row of rows) {
    const id = connectorId(row.id);
    const manifest = {
      id,
      name: row.name,
      description: `${row.name} tools.`,
      categories: ["other"],
      auth: {
        mode: "bearer",
        fields: [{ name: "token", label: "API token" }],
        inject: [{ in: "header", name: "Authorization", value: "Bearer {{auth.token}}" }],
      },
      ...(row.verify ? { verify: { method: row.verify.method, path: row.verify.path.replaceAll(/\{\w+\}/g, "x") } } : {}),
      http: { base_url: row.base_url.replaceAll(/\{\w+\}/g, "example").replace(/^http:/, "https:") },
      tools: row.tools.map((t) => {
        const inPath = pathParams(t.path);
        const params = [...new Set([...inPath, ...t.params.map((p) => p.replace(/\?$/, ""))])].map(ident);
        const required = [...new Set([...inPath.map(ident), ...t.params.filter((p) => !p.endsWith("?")).map(ident)])];
        const rest = params.filter((p) => !inPath.map(ident).includes(p));
        const template = Object.fromEntries(rest.map((p) => [p, `{{input.${p}}}`]));
        return {
          name: ident(t.name),
          description: t.description,
          annotations: { read_only: t.method === "GET" },
          input_schema: { type: "object", properties: Object.fromEntries(params.map((p) => [p, { type: "string" }])), required, additionalProperties: false },
          request: {
            method: t.method,
            path: t.path.replaceAll(/\{(\w+)\}/g, (_m, p: string) => `{{input.${ident(p)}}}`),
            ...(rest.length === 0 ? {} : t.method === "GET" ? { query: template } : { body: template }),
          },
        };
      }),
    };
    out.set(`${id}.yaml`, `# yaml-language-server: $schema=../generated/schemas/connector-manifest.schema.json\n${stringify(manifest)}`);
  }
  return out;
}
