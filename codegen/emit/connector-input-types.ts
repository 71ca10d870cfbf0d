// A tool's input_schema as a TypeScript type, for the exported `<Tool>Input` interfaces of
// generated/connectors/<id>.ts. Covers what manifests use (object, array, string, number,
// integer, boolean, null, enum, const, type lists); anything else is `unknown`, never wrong.

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `create_issue` → `CreateIssueInput`. */
export function inputTypeName(tool: string): string {
  return `${tool.split(/[_-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}Input`;
}

export function schemaType(schema: unknown, indent = ""): string {
  if (!isSchema(schema)) return "unknown";
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ") || "never";
  if ("const" in schema) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) return "unknown";
  return types.map((t) => single(String(t), schema, indent)).join(" | ");
}

function single(type: string, schema: Schema, indent: string): string {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = schemaType(schema.items, indent);
      return /^[A-Za-z]+$/.test(item) ? `${item}[]` : `(${item})[]`;
    }
    case "object":
      return objectType(schema, indent);
    default:
      return "unknown";
  }
}

/** `{ a: string; b?: number }`; open objects (no `additionalProperties: false`) also take other keys. */
export function objectType(schema: Schema, indent = ""): string {
  const props = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const members = Object.entries(props).map(([k, v]) => `${IDENT.test(k) ? k : JSON.stringify(k)}${required.has(k) ? "" : "?"}: ${schemaType(v, indent)}`);
  if (schema.additionalProperties !== false) members.push(`[key: string]: unknown`);
  return members.length === 0 ? "Record<string, never>" : `{ ${members.join("; ")} }`;
}
