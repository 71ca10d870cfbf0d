// One connector's compiled module, generated/connectors/<id>.ts: per tool its input type, its
// Ajv standalone validator (from <id>.validators.js) and a request builder emitted as code —
// string concatenation with `seg()`/`segs()` for path values, object literals of the present
// fields, multipart file parts — and its `response.select` as a function of the answer, so
// nothing interprets a template or a path at run time. Also the connector's auth as the
// executor's AuthSpec and its verify request. Helpers come from connector-runtime.ts (a copied template).
import type { FilePartView, ManifestView, RequestView, ToolView } from "../validate/manifest-view";
import { parseTemplate, type TemplatePart } from "../validate/templates";
import { inputTypeName, objectType } from "./connector-input-types";
import { tsHeader } from "./header";

type Ref = Exclude<TemplatePart, string>;
const q = (s: string) => JSON.stringify(s);

function parts(template: string): TemplatePart[] {
  const p = parseTemplate(template);
  if (!p.ok) throw new Error(p.message); // validated before emit
  return p.parts;
}

/** The expression of one reference: input through `arg`, config through `cfg`; credentials never. */
function refExpr(ref: Ref): string {
  if (ref.ref === "input") return `arg(i, ${ref.path.map(q).join(", ")})`;
  if (ref.ref === "config") return `cfg(c, ${q(ref.path[0] as string)})`;
  throw new Error(`{{auth.${ref.path.join(".")}}} outside auth.inject`); // refused by the semantic checks
}

const argumentOf = (ps: readonly TemplatePart[]) => {
  const ref = ps.find((p): p is Ref => typeof p !== "string");
  return ref ? ref.path.join(".") : "a value";
};

/** A template's value: a lone ref keeps its JSON type, text mixed with refs is a string (absent when a ref is). */
function valueExpr(template: string): string {
  const ps = parts(template);
  const [only] = ps;
  if (ps.length === 1 && only !== undefined && typeof only !== "string") return refExpr(only);
  if (ps.every((p) => typeof p === "string")) return q(ps.join(""));
  return `text(${ps.map((p) => (typeof p === "string" ? q(p) : refExpr(p))).join(", ")})`;
}

/** A path: literals as they are, every value one encoded segment (`{{+input.x}}`: several). */
function pathExpr(template: string): string {
  const ps = parts(template);
  return ps.map((p) => (typeof p === "string" ? q(p) : `${p.multi ? "segs" : "seg"}(${refExpr(p)}, ${q(p.path.join("."))})`)).join(" + ") || '""';
}

/** One select path as code over `v`: keys through `arg`, each `[]` mapping the rest over a list with `each`. */
function selectPathExpr(path: string, v: string, depth = 1): string {
  const segments = path === "" ? [] : path.split(".");
  const keys: string[] = [];
  for (let n = 0; n < segments.length; n++) {
    const s = segments[n] as string;
    if (!s.endsWith("[]")) {
      keys.push(s);
      continue;
    }
    if (s !== "[]") keys.push(s.slice(0, -2));
    const list = keys.length ? `arg(${v}, ${keys.map(q).join(", ")})` : v;
    const x = `x${depth}`;
    return `each(${list}, (${x}) => ${selectPathExpr(segments.slice(n + 1).join("."), x, depth + 1)})`;
  }
  return keys.length ? `arg(${v}, ${keys.map(q).join(", ")})` : v;
}

/** `response.select` as a function of the parsed answer: one path, or an object of named paths (absent ones left out). */
function selectExpr(select: string | Record<string, string> | undefined): string {
  if (select === undefined) return "null";
  if (typeof select === "string") return `(r: unknown) => ${selectPathExpr(select, "r")}`;
  return `(r: unknown) => fields([${Object.entries(select).map(([k, p]) => `[${q(k)}, ${selectPathExpr(p, "r")}]`).join(", ")}])`;
}

/** A multipart file part: [field, base64 content, file name, content type, byte limit, argument]. */
function fileExpr(field: string, f: FilePartView): string {
  const opt = (t: string | undefined) => (t === undefined ? "undefined" : valueExpr(t));
  return `[${q(field)}, ${valueExpr(f.content)}, ${opt(f.filename)}, ${opt(f.content_type)}, ${f.max_bytes}, ${q(argumentOf(parts(f.content)))}]`;
}

/** The body as code: objects keep only present fields, arrays only present items. */
function bodyExpr(v: unknown): string {
  if (typeof v === "string") return v.includes("{{") ? valueExpr(v) : q(v);
  if (Array.isArray(v)) return `items([${v.map(bodyExpr).join(", ")}])`;
  if (v && typeof v === "object") return `fields([${Object.entries(v).map(([k, x]) => `[${q(k)}, ${bodyExpr(x)}]`).join(", ")}])`;
  return JSON.stringify(v) ?? "null";
}

const paramsExpr = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `[${q(k)}, ${valueExpr(v)}, ${q(argumentOf(parts(v)))}]`);

/** `request(...)` for a tool's or verify's request; `DEFAULTS(c)` are the connector's headers. */
function buildExpr(r: RequestView): string {
  const query = `query([${paramsExpr(r.query).join(", ")}])`;
  const headers = `headers([...DEFAULTS(c)${paramsExpr(r.headers).map((p) => `, ${p}`).join("")}])`;
  const files = r.files ? `, files: [${Object.entries(r.files).map(([k, f]) => fileExpr(k, f)).join(", ")}]` : "";
  const body = r.body === undefined && !files ? "" : `, { value: ${r.body === undefined ? "undefined" : bodyExpr(r.body)}, encoding: ${q(r.body_encoding ?? "json")}${files} }`;
  return `request(${q(r.method)}, base, ${pathExpr(r.path)}, ${query}, ${headers}${body})`;
}

/** A base URL or token URL: literals, and settings as encoded host/path parts. */
function urlExpr(template: string): string {
  return parts(template).map((p) => (typeof p === "string" ? q(p) : `hostPart(c, ${q(p.path[0] as string)})`)).join(" + ");
}

/** A credential template: literal text, `{ field }` for credentials, settings filled in from config. */
function credTemplate(template: string | undefined): string {
  return `[${parts(template ?? "").map((p) => (typeof p === "string" ? q(p) : p.ref === "auth" ? `{ field: ${q(p.path[0] as string)} }` : refExpr(p))).join(", ")}]`;
}

/** A field name when the template is exactly one credential field, else a template. */
function credValue(template: string | undefined): string {
  const ps = parts(template ?? "");
  const [only] = ps;
  return ps.length === 1 && only !== undefined && typeof only !== "string" && only.ref === "auth" ? q(only.path[0] as string) : credTemplate(template);
}

/** `<literal>{{auth.x}}` → [literal, x]: the shape bearer, api_key, bot_token and path inject entries have. */
function prefixAndField(template: string | undefined, mode: string): [string, string] {
  const ps = parts(template ?? "");
  const last = ps.at(-1);
  const head = ps.slice(0, -1);
  if (last === undefined || typeof last === "string" || last.ref !== "auth" || !head.every((p) => typeof p === "string")) {
    throw new Error(`auth mode ${mode}: ${JSON.stringify(template)} is not <text>{{auth.x}}`); // refused by the semantic checks
  }
  return [head.join(""), last.path[0] as string];
}

/** A token request parameter: always a string (a setting mixed with text is absent only if the setting is, and cfg throws then). */
function paramValue(template: string): string {
  const e = valueExpr(template);
  return e.startsWith("text(") ? `${e} ?? ""` : e;
}

/** The connector's AuthSpec as an object literal (a function of config, for settings in the oauth2 token URL). */
export function authExpr(m: ManifestView): string {
  const { auth } = m;
  const inject = auth.inject ?? [];
  const first = inject[0];
  switch (auth.mode) {
    case "none":
      return `{ mode: "none" }`;
    case "bearer":
      return `{ mode: "bearer", field: ${q(prefixAndField(first?.value, auth.mode)[1])} }`;
    case "api_key": {
      const [prefix, field] = prefixAndField(first?.value, auth.mode);
      return `{ mode: "api_key", header: ${q(first?.name ?? "")}, field: ${q(field)}${prefix ? `, prefix: ${q(prefix)}` : ""} }`;
    }
    case "basic":
      return `{ mode: "basic", username: ${credTemplate(first?.username)}, password: ${credTemplate(first?.password)} }`;
    case "api_key_multi_header":
      return `{ mode: "api_key_multi_header", headers: { ${inject.map((x) => `${q(x.name ?? "")}: ${credValue(x.value)}`).join(", ")} } }`;
    case "api_key_query":
      return `{ mode: "api_key_query", params: { ${inject.map((x) => `${q(x.name ?? "")}: ${credValue(x.value)}`).join(", ")} } }`;
    case "bot_token": {
      const [prefix, field] = prefixAndField(first?.value, auth.mode);
      return `{ mode: "bot_token", field: ${q(field)}, scheme: ${q(prefix.trim())} }`;
    }
    case "token_in_url_path": {
      const [prefix, field] = prefixAndField(inject.find((x) => x.in === "path")?.value, auth.mode);
      return `{ mode: "token_in_url_path", field: ${q(field)}, prefix: ${q(prefix)} }`;
    }
    case "oauth2_client_credentials": {
      const o = auth.oauth2;
      if (!o) throw new Error("oauth2_client_credentials without auth.oauth2"); // refused by the semantic checks
      const extra = [
        o.scopes?.length ? `scope: ${q(o.scopes.join(" "))}` : "",
        `client_auth: ${q(o.client_auth ?? "body")}`,
        `token_body_encoding: ${q(o.token_body_encoding ?? "form")}`,
        o.params ? `params: { ${Object.entries(o.params).map(([k, v]) => `${q(k)}: ${paramValue(v)}`).join(", ")} }` : "",
      ].filter(Boolean);
      return `{ mode: "oauth2_client_credentials", token_url: ${urlExpr(o.token_url)}, client_id_field: "client_id", client_secret_field: "client_secret", ${extra.join(", ")} }`;
    }
    case "mcp":
      return `{ mode: "mcp", field: "connection_token" }`;
    default:
      throw new Error(`unknown auth mode ${auth.mode}`);
  }
}

const HELPERS = ["arg", "cfg", "each", "fields", "headers", "hostPart", "items", "query", "request", "seg", "segs", "table", "text"];
/** The runtime helpers a module imports: the usual ones, plus `each` and `segs` where its code calls them. */
const helpers = (code: string) => HELPERS.filter((h) => (h !== "each" && h !== "segs") || code.includes(`${h}(`)).join(", ");

function toolEntry(m: ManifestView, t: ToolView, validator: string): string {
  const type = inputTypeName(t.name);
  const annotations = { read_only: t.annotations?.read_only ?? false, destructive: t.annotations?.destructive ?? false, ...(t.annotations && "idempotent" in t.annotations ? { idempotent: (t.annotations as { idempotent?: boolean }).idempotent } : {}) };
  return [
    `    ${q(t.name)}: {`,
    `      name: ${q(`${m.id}/${t.name}`)}, description: ${q(t.description)}, annotations: ${JSON.stringify(annotations)}, select: ${selectExpr(t.response?.select)}, max_chars: ${JSON.stringify(t.response?.max_chars ?? null)},`,
    `      input_schema: ${JSON.stringify(t.input_schema)},`,
    `      validate: v.${validator},`,
    `      build: (i: ${type}, c: Config, base: string) => ${buildExpr(t.request)},`,
    `    } satisfies CompiledTool<${type}>,`,
  ].join("\n");
}

/** generated/connectors/<id>.ts */
export function emitConnectorModule(m: ManifestView, validatorOf: (tool: string) => string): string {
  const types = m.tools.map((t) => `/** Input of ${m.id}/${t.name}. */ export type ${inputTypeName(t.name)} = ${objectType(t.input_schema as Record<string, unknown>)};`);
  const defaults = paramsExpr(m.http?.headers);
  const tools = m.tools.map((t) => toolEntry(m, t, validatorOf(t.name)));
  const verify = m.verify
    ? `{ expect_status: ${JSON.stringify(m.verify.expect_status ?? null)}, build: (c: Config, base: string) => ${buildExpr(m.verify)} }`
    : "null";
  return `${tsHeader()}// ${m.name}: compiled from connectors/${m.id}.yaml.
import { ${helpers(tools.join("\n") + verify)}, type CompiledTool, type Config, type ConnectorModule, type Param } from "./connector-runtime";
import * as v from "./${m.id}.validators.js";

${types.join("\n")}

/** Headers sent on every request (http.headers). */
const DEFAULTS = (c: Config): Param[] => [${defaults.join(", ")}];

export const connector: ConnectorModule = {
  id: ${q(m.id)},
  mode: ${q(m.auth.mode)},
  baseUrl: (c: Config) => ${m.http ? urlExpr(m.http.base_url) : "null"},
  auth: (c: Config) => (${authExpr(m)}),
  verify: ${verify},
  tools: table({
${tools.join("\n")}
  }),
};
`;
}
