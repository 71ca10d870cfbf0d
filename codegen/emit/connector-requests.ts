// Connector request templates compiled at codegen time (parsed into literal and reference
// parts), so the executor only fills them in. The types are emitted once, into requests.ts.
import type { ManifestView, ToolView } from "../validate/manifest-view";
import { parseTemplate, type TemplatePart } from "../validate/templates";

/** A template compiled into literal and reference parts (see codegen/validate/templates.ts). */
type Compiled = TemplatePart[];
type CompiledBody =
  | { t: "tpl"; parts: Compiled }
  | { t: "obj"; entries: [string, CompiledBody][] }
  | { t: "arr"; items: CompiledBody[] }
  | { t: "lit"; value: unknown };

const compile = (s: string): Compiled => {
  const p = parseTemplate(s);
  if (!p.ok) throw new Error(p.message); // validated before emit
  return p.parts;
};

function compileBody(v: unknown): CompiledBody {
  if (typeof v === "string") return v.includes("{{") ? { t: "tpl", parts: compile(v) } : { t: "lit", value: v };
  if (Array.isArray(v)) return { t: "arr", items: v.map(compileBody) };
  if (v && typeof v === "object") return { t: "obj", entries: Object.entries(v).map(([k, x]) => [k, compileBody(x)]) };
  return { t: "lit", value: v };
}

const compileMap = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => [k, compile(v)] as const);

/** A tool's request, compiled: what `toolRequests` holds per `<connector>/<tool>`. */
export function compiledRequest(t: ToolView) {
  return {
    method: t.request.method,
    path: compile(t.request.path),
    query: compileMap(t.request.query),
    headers: compileMap(t.request.headers),
    body: t.request.body === undefined ? null : compileBody(t.request.body),
    body_encoding: t.request.body_encoding ?? "json",
    select: t.response?.select ?? null,
    max_chars: t.response?.max_chars ?? null,
  };
}

/** A connector's base URL, default headers and credential injection, compiled: what `connectorAuth` holds. */
export function compiledAuth(m: ManifestView) {
  return {
    mode: m.auth.mode,
    base_url: m.http ? compile(m.http.base_url) : null,
    headers: compileMap(m.http?.headers),
    inject: (m.auth.inject ?? []).map((i) => ({
      in: i.in,
      name: i.name ?? null,
      value: i.value === undefined ? null : compile(i.value),
      username: i.username === undefined ? null : compile(i.username),
      password: i.password === undefined ? null : compile(i.password),
    })),
  };
}

/** The generated types of `toolRequests` and `connectorAuth`. */
export const REQUEST_TYPES = `/** A literal piece of text, or a reference to \`input\`, \`auth\` or \`config\`. */
export type TemplatePart = string | { ref: "input" | "auth" | "config"; path: string[] };
export type CompiledBody =
  | { t: "tpl"; parts: TemplatePart[] }
  | { t: "obj"; entries: [string, CompiledBody][] }
  | { t: "arr"; items: CompiledBody[] }
  | { t: "lit"; value: unknown };
export interface CompiledRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: TemplatePart[];
  query: (readonly [string, TemplatePart[]])[];
  headers: (readonly [string, TemplatePart[]])[];
  body: CompiledBody | null;
  body_encoding: "json" | "form";
  select: string | null;
  max_chars: number | null;
}
export interface CompiledConnectorAuth {
  mode: string;
  base_url: TemplatePart[] | null;
  headers: (readonly [string, TemplatePart[]])[];
  inject: { in: "header" | "query" | "basic" | "path"; name: string | null; value: TemplatePart[] | null; username: TemplatePart[] | null; password: TemplatePart[] | null }[];
}
`;
