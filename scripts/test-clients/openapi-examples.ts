// Example values from OpenAPI 3 schemas: what a real client could put in a field, so a test can
// send every documented field. Pure functions over the document's component schemas.

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  nullable?: boolean;
  deprecated?: boolean;
  format?: string;
}

type Components = Record<string, Schema>;

export function deref(s: Schema, all: Components): Schema {
  let cur = s;
  for (let i = 0; cur.$ref && i < 20; i++) {
    const name = cur.$ref.replace("#/components/schemas/", "");
    const next = all[name];
    if (!next) throw new Error(`unresolved $ref ${cur.$ref}`);
    // Keep the referencing site's own example/description over the target's.
    cur = { ...next, ...(cur.example !== undefined ? { example: cur.example } : {}) };
  }
  return cur;
}

/** Top-level properties of an object schema, allOf merged (later parts win), with the required set. */
export function collectProperties(root: Schema, all: Components): { properties: Record<string, Schema>; required: Set<string> } {
  const properties: Record<string, Schema> = {};
  const required = new Set<string>();
  const visit = (s0: Schema) => {
    const s = deref(s0, all);
    for (const part of s.allOf ?? []) visit(part);
    for (const [k, v] of Object.entries(s.properties ?? {})) properties[k] = v;
    for (const r of s.required ?? []) required.add(r);
  };
  visit(root);
  return { properties, required };
}

const isNullSchema = (s: Schema) => s.type === "null" || (Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null);

/**
 * One plausible value for a schema: its example, else a non-null default, else the first enum
 * or const, else built from its type (objects get their required properties). Null is never
 * chosen: a test that sends null for a field sends nothing of interest.
 */
export function exampleOf(s0: Schema, all: Components, depth = 0): unknown {
  if (depth > 8) return {};
  const s = deref(s0, all);
  if (s.example !== undefined && s.example !== null) return s.example;
  if (s.default !== undefined && s.default !== null) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) {
    const first = s.enum.find((v) => v !== null);
    if (first !== undefined) return first;
  }
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const pick = alternatives.find((a) => !isNullSchema(deref(a, all)));
    return pick ? exampleOf(pick, all, depth + 1) : null;
  }
  if (s.allOf) {
    const merged: Record<string, unknown> = {};
    let scalar: unknown;
    for (const part of s.allOf) {
      const v = exampleOf(part, all, depth + 1);
      if (typeof v === "object" && v !== null && !Array.isArray(v)) Object.assign(merged, v);
      else scalar = v;
    }
    return Object.keys(merged).length > 0 ? merged : scalar;
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string":
      return "example";
    case "integer":
      return Math.max(1, s.minimum ?? 1);
    case "number":
      return s.minimum !== undefined && s.maximum !== undefined ? (s.minimum + s.maximum) / 2 : Math.max(0.5, s.minimum ?? 0.5);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => (s.items ? exampleOf(s.items, all, depth + 1) : "example"));
    default: {
      if (s.properties || type === "object") {
        const out: Record<string, unknown> = {};
        for (const r of s.required ?? []) {
          const p = s.properties?.[r];
          out[r] = p ? exampleOf(p, all, depth + 1) : "example";
        }
        if (Object.keys(out).length === 0 && typeof s.additionalProperties === "object") {
          out.example = exampleOf(s.additionalProperties, all, depth + 1);
        }
        return out;
      }
      return "example";
    }
  }
}
