// Data literals for generated modules, compact but reviewable: one line of JSON per entry
// (a connector, a tool), so adding a connector adds a few lines and a diff shows what changed.

/** `[\n  <json>,\n  <json>\n]`: one line per item. */
export function jsonRows(items: readonly unknown[], indent = ""): string {
  if (items.length === 0) return "[]";
  return `[\n${items.map((v) => `${indent}  ${JSON.stringify(v)},`).join("\n")}\n${indent}]`;
}

/** `lookupTable<T>([\n  ["key", <json>],\n])`: one line per entry (see generated/shared/lookup-table.ts). */
export function lookupRows(valueType: string, entries: readonly (readonly [string, unknown])[]): string {
  if (entries.length === 0) return `lookupTable<${valueType}>([])`;
  return `lookupTable<${valueType}>([\n${entries.map(([k, v]) => `  [${JSON.stringify(k)}, ${JSON.stringify(v)}],`).join("\n")}\n])`;
}

const MARK = "\u0000rows";

/**
 * An object as one line of JSON, except its array `key`, which gets one line per item
 * (a manifest and its tools). Keys keep their order.
 */
export function objectWithRows(value: Record<string, unknown>, key: string, indent = "  "): string {
  const rows = value[key];
  if (!Array.isArray(rows)) return JSON.stringify(value);
  const head = JSON.stringify({ ...value, [key]: MARK });
  return head.replace(JSON.stringify(MARK), jsonRows(rows, indent));
}
