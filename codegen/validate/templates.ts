/**
 * A template string split into literal text and `{{ns.path}}` references. `{{+input.x}}`
 * (multi) is a path value of several segments, `docs/README.md`: only in a tool's request path.
 */
export type TemplatePart = string | { ref: TemplateNamespace; path: string[]; multi?: true };
export type TemplateNamespace = "input" | "auth" | "config";

const NAMESPACES: readonly TemplateNamespace[] = ["input", "auth", "config"];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; message: string };

/**
 * Parses `Bearer {{auth.token}}` into ["Bearer ", {ref:"auth", path:["token"]}].
 * Only dotted names are allowed inside braces, optionally after `+` (several path segments):
 * no expressions, filters or code.
 */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    if (open < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (open > i) parts.push(text.slice(i, open));
    const close = text.indexOf("}}", open + 2);
    if (close < 0) return { ok: false, message: `unclosed "{{" at character ${open + 1} of ${JSON.stringify(text)}` };
    const inner = text.slice(open + 2, close).trim();
    const multi = inner.startsWith("+");
    const [ns, ...path] = (multi ? inner.slice(1) : inner).split(".");
    if (!NAMESPACES.includes(ns as TemplateNamespace) || path.length === 0 || !path.every((p) => NAME.test(p))) {
      return {
        ok: false,
        message: `"{{${inner}}}" is not a valid reference; use {{input.<name>}}, {{auth.<name>}} or {{config.<name>}}`,
      };
    }
    parts.push(multi ? { ref: ns as TemplateNamespace, path, multi } : { ref: ns as TemplateNamespace, path });
    i = close + 2;
  }
  return { ok: true, parts };
}

/** Walks every string inside a JSON-like value, with its JSON path segments. */
export function* stringsIn(
  value: unknown,
  at: (string | number)[] = [],
): Generator<{ text: string; at: (string | number)[] }> {
  if (typeof value === "string") yield { text: value, at };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], [...at, i]);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...at, k]);
  }
}
