import openapiTS, { astToString } from "openapi-typescript";
import { bundleSchema, flattenSchemas } from "../load/bundle-schema";
import { GENERATED, stableJson, tsHeader } from "./header";

export const MANIFEST_SCHEMA = "connector-manifest.schema.json";
export const PROVIDERS_SCHEMA = "provider-catalog.schema.json";

/** The two file formats as self-contained JSON Schemas (one `$schema=` URL each). */
export function bundleFormatSchemas(schemas: ReadonlyMap<string, Record<string, unknown>>) {
  return {
    manifest: bundleSchema(schemas, "ConnectorManifest.json", MANIFEST_SCHEMA, "Gatehouse connector manifest"),
    providers: bundleSchema(schemas, "ProviderCatalog.json", PROVIDERS_SCHEMA, "Gatehouse provider catalog"),
  };
}

export async function emitSchemas(
  schemas: ReadonlyMap<string, Record<string, unknown>>,
  bundled: ReturnType<typeof bundleFormatSchemas>,
): Promise<Record<string, string>> {
  // TypeScript types of the formats: every emitted schema as an OpenAPI component.
  const components: Record<string, unknown> = {};
  for (const [name, schema] of [...flattenSchemas(schemas)].sort(([a], [b]) => a.localeCompare(b))) {
    components[name] = retarget(schema);
  }
  const doc = { openapi: "3.1.0", info: { title: "formats", version: "0" }, paths: {}, components: { schemas: components } };
  const ast = await openapiTS(doc as Parameters<typeof openapiTS>[0], { alphabetize: true });
  const types = `${tsHeader()}${astToString(ast)}
export type ConnectorManifest = components["schemas"]["ConnectorManifest"];
export type ConnectorTool = components["schemas"]["Tool"];
export type ProviderCatalog = components["schemas"]["ProviderCatalog"];
export type Provider = components["schemas"]["Provider"];
export type ProviderModel = components["schemas"]["ProviderModel"];
`;
  return {
    [`schemas/${MANIFEST_SCHEMA}`]: stableJson({ $comment: GENERATED, ...bundled.manifest }),
    [`schemas/${PROVIDERS_SCHEMA}`]: stableJson({ $comment: GENERATED, ...bundled.providers }),
    "schemas/types.ts": types,
  };
}

/** Refs → components, and `unevaluatedProperties` (which openapi-typescript ignores) → `additionalProperties` for typing. */
function retarget(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(retarget);
  if (node && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) =>
        k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")
          ? [k, `#/components/schemas/${v.slice("#/$defs/".length)}`]
          : [k === "unevaluatedProperties" ? "additionalProperties" : k, retarget(v)],
      ),
    );
  }
  return node;
}
