// Input validators for connector tools (ajv standalone: no eval in Workers). Tools whose
// input schemas are the same JSON share one validator function.
import type { ManifestView } from "../validate/manifest-view";
import { newAjv, standaloneModule } from "./ajv-standalone";
import { sortKeys, tsHeader } from "./header";

export const toolValidatorName = (connector: string, tool: string) => `tool_${connector.replaceAll("-", "_")}__${tool}`;

/**
 * Groups tools by input schema (compared as JSON with sorted keys): each group's validator is
 * named after its first tool. Returns [tool name, validator name] per tool, in manifest order.
 */
export function shareValidators(manifests: readonly ManifestView[]): { byTool: [string, string][]; schemas: Map<string, object> } {
  const bySchema = new Map<string, string>();
  const schemas = new Map<string, object>();
  const byTool: [string, string][] = [];
  for (const m of manifests) {
    for (const t of m.tools) {
      const key = JSON.stringify(sortKeys(t.input_schema));
      let v = bySchema.get(key);
      if (v === undefined) {
        v = toolValidatorName(m.id, t.name);
        bySchema.set(key, v);
        schemas.set(v, t.input_schema);
      }
      byTool.push([`${m.id}/${t.name}`, v]);
    }
  }
  return { byTool, schemas };
}

/** `connectors/validators.js` and its `.d.ts`: `toolValidators`, a lookup with no prototype. */
export function emitToolValidators(manifests: readonly ManifestView[]): Record<string, string> {
  const { byTool, schemas } = shareValidators(manifests);
  const ajv = newAjv();
  for (const [name, schema] of schemas) ajv.addSchema(schema, name);
  const names = Object.fromEntries([...schemas.keys()].map((n) => [n, n]));
  const rows = byTool.map(([tool, v]) => `  ${JSON.stringify(tool)}: ${v},`).join("\n");
  // No prototype: a tool name read from a request ("constructor") finds nothing.
  const table = `/** Input validator per tool (\`<connector>/<tool>\`); tools with the same input schema share one. */\nexport const toolValidators = Object.freeze(Object.assign(Object.create(null), {\n${rows}\n}));\n`;
  return {
    "connectors/validators.js": `${standaloneModule(ajv, names).trimEnd()}\n\n${table}`,
    "connectors/validators.d.ts": `${tsHeader()}export interface ValidationError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }
export interface Validator { (data: unknown): boolean; errors?: ValidationError[] | null }
/** Input validator per tool (\`<connector>/<tool>\`). */
export declare const toolValidators: Readonly<Record<string, Validator>>;
`,
  };
}
