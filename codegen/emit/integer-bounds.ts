/**
 * The range each integer format can carry through JavaScript exactly. An `int64` beyond
 * ±(2^53 − 1) arrives as a float that has already lost digits (99999999999999999999 parses
 * as 1e20), and SQLite or the ledger then refuse it with a 500; validators refuse it with a
 * 400 naming the field instead. A tighter bound written in the spec is kept.
 */
const RANGES: Record<string, readonly [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A copy of a JSON Schema with every `int32`/`int64` integer bounded to what it can hold exactly. */
export function boundIntegers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(boundIntegers) as T;
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, boundIntegers(v)]));
  const range = typeof out.format === "string" ? RANGES[out.format] : undefined;
  if (range && isIntegerType(out.type)) {
    const [lo, hi] = range;
    out.minimum = typeof out.minimum === "number" ? Math.max(out.minimum, lo) : lo;
    out.maximum = typeof out.maximum === "number" ? Math.min(out.maximum, hi) : hi;
  }
  return out as T;
}

function isIntegerType(type: unknown): boolean {
  return type === "integer" || (Array.isArray(type) && type.includes("integer"));
}
