// Cuts a vendor's answer down to what a model needs, so a 2 MB listing does not fill a
// context window.
//
// `select` is a dotted path, or a list of them:
//   "html_url"              → the value of that key
//   "data.searchIssues"     → nested keys
//   "items[].title"         → `[]` maps the rest of the path over an array: ["a", "b", …]
//   "[].id"                 → the same over a top-level array
// One path yields its value; a list yields an object keyed by path. A path that does not
// match yields null (and is left out of a list's object), rather than failing the call.
// A connector tool's `select` comes compiled (a function codegen emitted from the manifest's
// path or map of paths, generated/connectors/<id>.ts); it is applied the same way.
// `max_chars` cuts the rendered text and says so, with how much was kept.

export type Select = string | readonly string[] | ((value: unknown) => unknown);

export function selectPath(value: unknown, path: string): unknown {
  const segments = path === "" ? [] : path.split(".");
  return walk(value, segments);
}

function walk(value: unknown, segments: readonly string[]): unknown {
  if (value === undefined) return undefined;
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  const mapOver = head.endsWith("[]");
  const key = mapOver ? head.slice(0, -2) : head;
  const inner = key === "" ? value : child(value, key);
  if (!mapOver) return walk(inner, rest);
  if (!Array.isArray(inner)) return undefined;
  return inner.map((item) => walk(item, rest) ?? null);
}

function child(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object") return undefined;
  // Own keys only: a path like "__proto__" must not reach Object.prototype.
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

export function applySelect(value: unknown, select: Select | null | undefined): unknown {
  if (select === null || select === undefined) return value;
  if (typeof select === "function") return select(value) ?? null;
  if (typeof select === "string") return selectPath(value, select) ?? null;
  const out: Record<string, unknown> = {};
  for (const p of select) {
    const v = selectPath(value, p);
    if (v !== undefined) out[p] = v;
  }
  return out;
}

/** Text for the model: strings as they are, anything else as JSON. */
export function render(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? "null";
}

export function truncateMarker(kept: number, total: number): string {
  return `\n…[truncated: showing ${kept} of ${total} characters]`;
}

/** Cuts to `maxChars` (the marker comes on top), never splitting a surrogate pair. */
export function truncate(text: string, maxChars: number | null | undefined): { text: string; truncated: boolean } {
  if (maxChars === null || maxChars === undefined || text.length <= maxChars) return { text, truncated: false };
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { text: text.slice(0, end) + truncateMarker(end, text.length), truncated: true };
}
