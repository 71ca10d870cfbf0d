import type { ManifestView } from "../validate/manifest-view";
import { parseTemplate, type TemplatePart } from "../validate/templates";
import { newAjv, standaloneModule } from "./ajv-standalone";
import { tsHeader } from "./header";

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

export const toolValidatorName = (connector: string, tool: string) => `tool_${connector.replaceAll("-", "_")}__${tool}`;

/** `generated/connectors/`: the catalog, full manifests, compiled request templates and input validators. */
export function emitConnectors(manifests: ManifestView[]): Record<string, string> {
  const sorted = [...manifests].sort((a, b) => a.id.localeCompare(b.id));
  const summaries = sorted.map((m) => ({
    id: m.id,
    name: m.name,
    description: m.description,
    categories: m.categories,
    auth_mode: m.auth.mode,
    tools: m.tools.map((t) => ({
      name: `${m.id}/${t.name}`,
      description: t.description,
      read_only: t.annotations?.read_only ?? false,
      destructive: t.annotations?.destructive ?? false,
    })),
  }));
  const requests: Record<string, unknown> = {};
  const ajv = newAjv();
  const validators: Record<string, string> = {};
  const byTool: string[] = [];
  for (const m of sorted) {
    for (const t of m.tools) {
      const name = `${m.id}/${t.name}`;
      requests[name] = {
        method: t.request.method,
        path: compile(t.request.path),
        query: compileMap(t.request.query),
        headers: compileMap(t.request.headers),
        body: t.request.body === undefined ? null : compileBody(t.request.body),
        body_encoding: t.request.body_encoding ?? "json",
        select: t.response?.select ?? null,
        max_chars: t.response?.max_chars ?? null,
      };
      const v = toolValidatorName(m.id, t.name);
      ajv.addSchema(t.input_schema, v);
      validators[v] = v;
      byTool.push(`  ${JSON.stringify(name)}: ${v},`);
    }
  }
  const auth = Object.fromEntries(
    sorted.map((m) => [
      m.id,
      {
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
      },
    ]),
  );
  const catalog = `${tsHeader()}import type { components } from "../api/types";
import type { ConnectorManifest } from "../schemas/types";

/** GET /v1/connectors, built from connectors/*.yaml. */
export const connectorCatalog: components["schemas"]["ConnectorSummary"][] = ${JSON.stringify(summaries, null, 2)};

/** Every manifest as written (validated), keyed by connector id. */
export const manifests: Readonly<Record<string, ConnectorManifest>> = ${JSON.stringify(Object.fromEntries(sorted.map((m) => [m.id, m])), null, 2)};
`;
  const requestsTs = `${tsHeader()}/** A literal piece of text, or a reference to \`input\`, \`auth\` or \`config\`. */
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
  inject: { in: "header" | "query" | "basic"; name: string | null; value: TemplatePart[] | null; username: TemplatePart[] | null; password: TemplatePart[] | null }[];
}

/** Request templates per tool (\`<connector>/<tool>\`), parsed at codegen time. */
export const toolRequests: Readonly<Record<string, CompiledRequest>> = ${JSON.stringify(requests, null, 2)};

/** Base URL, default headers and credential injection per connector. */
export const connectorAuth: Readonly<Record<string, CompiledConnectorAuth>> = ${JSON.stringify(auth, null, 2)};
`;
  const validatorsJs = standaloneModule(ajv, validators).trimEnd() + `\n\nexport const toolValidators = {\n${byTool.join("\n")}\n};\n`;
  const validatorsDts = `${tsHeader()}export interface ValidationError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }
export interface Validator { (data: unknown): boolean; errors?: ValidationError[] | null }
/** Input validator per tool (\`<connector>/<tool>\`). */
export declare const toolValidators: Readonly<Record<string, Validator>>;
`;
  return {
    "connectors/catalog.ts": catalog,
    "connectors/requests.ts": requestsTs,
    "connectors/validators.js": validatorsJs,
    "connectors/validators.d.ts": validatorsDts,
  };
}
