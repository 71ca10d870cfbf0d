// Input validators for one connector's tools (ajv standalone: no eval in Workers), in
// generated/connectors/<id>.validators.js beside the connector's module, so they load with it.
// Tools of the connector whose input schemas are the same JSON share one validator function.
import type { ManifestView } from "../validate/manifest-view";
import { newAjv, standaloneModule, standaloneTypes } from "./ajv-standalone";
import { sortKeys } from "./header";

export const toolValidatorName = (connector: string, tool: string) => `tool_${connector.replaceAll("-", "_")}__${tool}`;

/**
 * Groups a connector's tools by input schema (compared as JSON with sorted keys): each group's
 * validator is named after its first tool. `byTool`: tool name → validator name.
 */
export function shareValidators(m: ManifestView): { byTool: Map<string, string>; schemas: Map<string, object> } {
  const bySchema = new Map<string, string>();
  const schemas = new Map<string, object>();
  const byTool = new Map<string, string>();
  for (const t of m.tools) {
    const key = JSON.stringify(sortKeys(t.input_schema));
    let v = bySchema.get(key);
    if (v === undefined) {
      v = toolValidatorName(m.id, t.name);
      bySchema.set(key, v);
      schemas.set(v, t.input_schema);
    }
    byTool.set(t.name, v);
  }
  return { byTool, schemas };
}

/** `connectors/<id>.validators.js` and its `.d.ts`, and which validator each tool uses. */
export function emitConnectorValidators(m: ManifestView): { files: Record<string, string>; byTool: Map<string, string> } {
  const { byTool, schemas } = shareValidators(m);
  const ajv = newAjv();
  for (const [name, schema] of schemas) ajv.addSchema(schema, name);
  const names = Object.fromEntries([...schemas.keys()].map((n) => [n, n]));
  const js = schemas.size > 0 ? standaloneModule(ajv, names) : standaloneModule(ajv, {});
  return {
    byTool,
    files: {
      [`connectors/${m.id}.validators.js`]: js,
      [`connectors/${m.id}.validators.d.ts`]: standaloneTypes([...schemas.keys()]),
    },
  };
}
