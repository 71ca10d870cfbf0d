// Captures keep the shape of what a client sent — fields, block types, tool schemas, headers —
// but not the client's own prose (its system prompt, tool descriptions, instructions): that
// text is the client vendor's, not ours to commit. Long free text becomes a marker of its length.

/** Strings at least this long that contain a space are prose, and are replaced. */
const PROSE_CHARS = 80;

export function withoutProse(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length >= PROSE_CHARS && /\s/.test(value) ? `<${value.length} characters of the client's own text, not kept>` : value;
  }
  if (Array.isArray(value)) return value.map(withoutProse);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutProse(v)]));
  }
  return value;
}
