import { isDeepStrictEqual } from "node:util";

/**
 * @typespec/json-schema emits one file per type (refs by file name, `X.json`) and may
 * keep local `$defs` (e.g. `RecordString`) inside a file. This flattens all of them into
 * one namespace of definitions whose refs all read `#/$defs/<Name>`.
 */
export function flattenSchemas(schemas: ReadonlyMap<string, Record<string, unknown>>): Map<string, Record<string, unknown>> {
  const defs = new Map<string, Record<string, unknown>>();
  const put = (name: string, schema: Record<string, unknown>) => {
    const prev = defs.get(name);
    if (prev && !isDeepStrictEqual(prev, schema)) throw new Error(`two different JSON Schemas are both named ${name}`);
    defs.set(name, schema);
  };
  for (const [id, schema] of schemas) {
    const { $schema: _s, $id: _i, $defs: local, ...rest } = schema;
    for (const [name, def] of Object.entries((local ?? {}) as Record<string, Record<string, unknown>>)) {
      put(name, rewriteRefs(def) as Record<string, unknown>);
    }
    put(id.replace(/\.json$/, ""), rewriteRefs(rest) as Record<string, unknown>);
  }
  return defs;
}

/**
 * One self-contained document for a root type, with `$defs` holding what it reaches,
 * so editors and ajv can use it through one `$schema=` URL.
 */
export function bundleSchema(
  schemas: ReadonlyMap<string, Record<string, unknown>>,
  rootId: string,
  newId: string,
  title: string,
): Record<string, unknown> {
  const flat = flattenSchemas(schemas);
  const rootName = rootId.replace(/\.json$/, "");
  const root = flat.get(rootName);
  if (!root) throw new Error(`JSON Schema ${rootId} was not emitted; is the model under a @jsonSchema namespace?`);
  const reached = new Set<string>();
  const pending = [...refsIn(root)];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (reached.has(name) || name === rootName) continue;
    const def = flat.get(name);
    if (!def) throw new Error(`${rootId} refers to ${name}, which was not emitted`);
    reached.add(name);
    pending.push(...refsIn(def));
  }
  const $defs = Object.fromEntries([...reached].sort().map((n) => [n, flat.get(n)]));
  return { $schema: "https://json-schema.org/draft/2020-12/schema", $id: newId, title, ...root, $defs };
}

function refsIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.add(v.replace("#/$defs/", ""));
      else refsIn(v, out);
    }
  }
  return out;
}

/** `X.json` → `#/$defs/X`; local `#/$defs/Y` stays as it is. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) =>
        k === "$ref" && typeof v === "string" && !v.startsWith("#")
          ? [k, `#/$defs/${v.replace(/\.json$/, "")}`]
          : [k, rewriteRefs(v)],
      ),
    );
  }
  return node;
}
