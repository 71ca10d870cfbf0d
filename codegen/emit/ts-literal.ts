/**
 * TypeScript source for data, like `JSON.stringify(value, null, 2)`, except that a
 * `LookupTable` becomes `lookupTable([...])`: a frozen object with no prototype, so a key
 * read from a request ("constructor", "__proto__", "toString") finds nothing instead of a
 * member of Object.prototype. The generated module defines `lookupTable` with LOOKUP_TABLE_SOURCE.
 */
export class LookupTable {
  constructor(
    readonly entries: readonly (readonly [string, unknown])[],
    /** The generated type of its values, given to lookupTable<…> so the literals are checked against it. */
    readonly valueType: string,
  ) {}
}

export const LOOKUP_TABLE_SOURCE = `/** A frozen lookup table with no prototype: only its own keys are found. */
function lookupTable<T>(entries: readonly (readonly [string, T])[]): Readonly<Record<string, T>> {
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) out[key] = value;
  return Object.freeze(out);
}
`;

export function tsLiteral(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (value instanceof LookupTable) {
    const call = `lookupTable<${value.valueType}>`;
    if (value.entries.length === 0) return `${call}([])`;
    const rows = value.entries.map(([k, v]) => `${inner}[${JSON.stringify(k)}, ${tsLiteral(v, inner)}]`);
    return `${call}([\n${rows.join(",\n")}\n${indent}])`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${tsLiteral(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${tsLiteral(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}
