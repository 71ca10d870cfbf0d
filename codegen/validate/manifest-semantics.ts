import type { Diagnostic } from "../diagnostics";
import { jsonPathOf } from "../diagnostics";
import type { YamlSource } from "../load/yaml-source";
import { checkMultiSegmentRefs, checkToolRequest } from "./manifest-requests";
import type { InjectionView, ManifestView } from "./manifest-view";
import { parseTemplate, stringsIn, type TemplateNamespace } from "./templates";

export const MANIFEST_SCHEMA_COMMENT = "../generated/schemas/connector-manifest.schema.json";

/** Checks JSON Schema cannot express: template references, duplicates, mode requirements. */
export function checkManifestSemantics(src: YamlSource, m: ManifestView, fileId: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (at: (string | number)[], message: string, hint?: string) => {
    const { line, column } = src.position(at);
    out.push({ file: src.file, line, column, jsonPath: jsonPathOf(at), message, ...(hint ? { hint } : {}) });
  };

  if (src.schemaComment !== MANIFEST_SCHEMA_COMMENT) {
    // Point at line 1 itself: the document's first node may start lower when line 1 is a wrong comment.
    out.push({ file: src.file, line: 1, column: 1, jsonPath: "$", message: "the first line must point editors at the manifest schema", hint: `make line 1: # yaml-language-server: $schema=${MANIFEST_SCHEMA_COMMENT}` });
  }
  if (m.id !== fileId) report(["id"], `id "${m.id}" does not match the file name "${fileId}.yaml"`, `set id: ${fileId} or rename the file`);

  checkMode(m, report);

  const authNames = new Set((m.auth.fields ?? []).map((f) => f.name));
  if (m.auth.mode === "oauth2_client_credentials") authNames.add("access_token");
  const configNames = new Set((m.auth.config ?? []).map((f) => f.name));
  checkUnique(m.auth.fields ?? [], ["auth", "fields"], "auth field", report);
  checkUnique(m.auth.config ?? [], ["auth", "config"], "config field", report);

  // {{auth.x}} only inside auth.inject: the executor injects (and redacts) credentials, builders never see them.
  const checkRefs = (value: unknown, at: (string | number)[], inputs: Set<string> | null, authAllowed = false) => {
    for (const s of stringsIn(value, at)) {
      const parsed = parseTemplate(s.text);
      if (!parsed.ok) {
        report(s.at, parsed.message, "write references as {{input.x}}, {{auth.x}} or {{config.x}}");
        continue;
      }
      for (const part of parsed.parts) {
        if (typeof part === "string") continue;
        const name = part.path[0] as string;
        const known: Record<TemplateNamespace, Set<string> | null> = { input: inputs, auth: authNames, config: configNames };
        const names = known[part.ref];
        if (part.ref === "auth" && !authAllowed) {
          report(s.at, `{{auth.${name}}} cannot be used here: credentials go only in auth.inject (so the executor can redact them)`, "move the credential to an auth.inject entry; use {{config.x}} for non-secret settings");
        } else if (names === null) {
          report(s.at, `{{input.${name}}} cannot be used here: only tool requests receive input`, "use {{config.x}} or move it into a tool's request");
        } else if (!names.has(name)) {
          const where =
            part.ref === "input" ? "the tool's input_schema.properties" : part.ref === "auth" ? "auth.fields" : "auth.config";
          report(s.at, `{{${part.ref}.${part.path.join(".")}}} refers to "${name}", which is not in ${where}`, `add "${name}" to ${where} or fix the spelling`);
        }
      }
    }
  };

  checkRefs(m.http, ["http"], null);
  checkRefs(m.verify, ["verify"], null);
  checkRefs(m.auth.inject, ["auth", "inject"], null, true);
  checkRefs(m.auth.oauth2, ["auth", "oauth2"], null);
  checkRefs(m.auth.mcp, ["auth", "mcp"], null);
  checkMultiSegmentRefs({ http: m.http, verify: m.verify, auth: m.auth }, [], report);
  checkMultiSegmentRefs(m.tools.map((t) => ({ request: t.request })), ["tools"], report);

  const seen = new Map<string, number>();
  m.tools.forEach((tool, i) => {
    const at = ["tools", i];
    const prev = seen.get(tool.name);
    if (prev !== undefined) report([...at, "name"], `duplicate tool name "${tool.name}" (also tools[${prev}])`, "give each tool a unique name");
    seen.set(tool.name, i);
    if (tool.input_schema.type !== "object") {
      report([...at, "input_schema"], "input_schema must be an object schema", "set input_schema.type: object");
    }
    const inputs = new Set(Object.keys(tool.input_schema.properties ?? {}));
    const required = new Set(tool.input_schema.required ?? []);
    for (const r of required) {
      if (!inputs.has(r)) report([...at, "input_schema", "required"], `"${r}" is required but not in properties`, `add "${r}" to input_schema.properties`);
    }
    const path = tool.request.path;
    const single = /\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(path.replaceAll(/\{\{[^}]*\}\}/g, ""));
    if (single) {
      report([...at, "request", "path"], `path parameter {${single[1]}} is not a template`, `write {{input.${single[1]}}} and declare it in input_schema`);
    }
    const parsedPath = parseTemplate(path);
    if (parsedPath.ok) {
      for (const part of parsedPath.parts) {
        if (typeof part !== "string" && part.ref === "input") {
          const name = part.path[0] as string;
          if (!inputs.has(name)) {
            report([...at, "request", "path"], `path parameter "${name}" is missing from input_schema.properties`, `declare "${name}" in input_schema.properties and required`);
          } else if (!required.has(name)) {
            report([...at, "request", "path"], `path parameter "${name}" must be required`, `add "${name}" to input_schema.required`);
          }
        }
      }
    }
    checkRefs(tool.request, [...at, "request"], inputs);
    checkToolRequest(tool, at, report);
  });
  return out;
}

type Report = (at: (string | number)[], message: string, hint?: string) => void;

function checkUnique(fields: { name: string }[], at: (string | number)[], what: string, report: Report) {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.name)) report([...at, i, "name"], `duplicate ${what} "${f.name}"`, "give each field a unique name");
    seen.add(f.name);
  });
}

/** Modes whose credential is attached through auth.inject. */
const INJECTED_MODES = ["bearer", "api_key", "basic", "api_key_query", "api_key_multi_header", "bot_token", "token_in_url_path", "oauth2_client_credentials"];

/** `{{auth.<name>}}` references of a template, in order (empty when it does not parse). */
function authRefs(text: string | undefined): string[] {
  if (text === undefined) return [];
  const p = parseTemplate(text);
  return p.ok ? p.parts.flatMap((x) => (typeof x !== "string" && x.ref === "auth" ? [x.path[0] as string] : [])) : [];
}

/** `<text>{{auth.x}}` → the text (maybe ""); null for any other shape (text after the field, two fields, a setting). */
function textThenField(value: string | undefined): string | null {
  const p = value === undefined ? null : parseTemplate(value);
  if (!p?.ok) return null;
  const last = p.parts.at(-1);
  const head = p.parts.slice(0, -1);
  if (last === undefined || typeof last === "string" || last.ref !== "auth" || !head.every((x) => typeof x === "string")) return null;
  return head.join("");
}

/** Per-mode requirements: which fields, which inject entries, which extra blocks. */
function checkMode(m: ManifestView, report: Report) {
  const { auth } = m;
  const mode = auth.mode;
  const inject = auth.inject ?? [];
  const fields = auth.fields ?? [];
  const fieldNames = new Set(fields.map((f) => f.name));
  const headers = inject.filter((i) => i.in === "header");
  const isAuthorization = (name: string | undefined) => name?.toLowerCase() === "authorization";
  // Shape checks of the inject list only when there is one (an empty list is reported once above).
  const shaped = inject.length > 0;

  if (mode === "none") {
    if (fields.length > 0 || inject.length > 0) report(["auth"], 'auth mode "none" takes no fields or inject', "remove auth.fields and auth.inject, or pick another mode");
  } else if (INJECTED_MODES.includes(mode) && inject.length === 0) {
    report(["auth"], `auth mode "${mode}" needs at least one auth.inject entry`, "say where the credential goes, e.g. - {in: header, name: Authorization, value: 'Bearer {{auth.token}}'}");
  }
  if (mode !== "none" && mode !== "oauth2_client_credentials" && fields.length === 0) {
    report(["auth"], `auth mode "${mode}" needs at least one auth.fields entry`, "declare the credential the end user enters");
  }

  inject.forEach((inj, i) => {
    if ((inj.in === "header" || inj.in === "query") && (!inj.name || inj.value === undefined)) {
      report(["auth", "inject", i], `an inject entry with in: ${inj.in} needs name and value`, "set name and value");
    }
    if (inj.in === "basic" && (inj.username === undefined || inj.password === undefined)) {
      report(["auth", "inject", i], "an inject entry with in: basic needs username and password", "set username and password templates (literals allowed, e.g. username: api)");
    }
    if (inj.in === "basic" && authRefs(inj.username).length + authRefs(inj.password).length === 0) {
      report(["auth", "inject", i], "an inject entry with in: basic must use at least one {{auth.x}} field", "e.g. username: '{{auth.email}}/token', password: '{{auth.api_token}}'");
    }
    if ((inj.in === "header" || inj.in === "query" || inj.in === "path") && inj.value !== undefined && authRefs(inj.value).length === 0) {
      report(["auth", "inject", i, "value"], `an inject value must use a credential ({{auth.x}}); a constant ${inj.in === "header" ? "header belongs in http.headers" : "value belongs in the requests"}`, "reference a field, e.g. '{{auth.api_key}}'");
    }
    if (inj.in === "path") {
      if (mode !== "token_in_url_path") report(["auth", "inject", i, "in"], `in: path is only for auth mode "token_in_url_path" (this connector is "${mode}")`, "use in: header or in: query, or set mode: token_in_url_path");
      if (inj.value === undefined) report(["auth", "inject", i], "an inject entry with in: path needs value", "e.g. value: '/bot{{auth.bot_token}}'");
      else if (!inj.value.startsWith("/") || /[?#]/.test(inj.value) || inj.value.endsWith("/")) {
        report(["auth", "inject", i, "value"], `a path prefix must start with "/", not end with "/", and hold no "?" or "#" (got ${JSON.stringify(inj.value)})`, "e.g. value: '/bot{{auth.bot_token}}'");
      }
      if (inj.name !== undefined) report(["auth", "inject", i, "name"], "an inject entry with in: path takes no name", "remove name");
    }
  });

  const where = (what: string, fix: string) => report(["auth", "inject"], `auth mode "${mode}" needs ${what}`, fix);
  const only = (test: (i: InjectionView) => boolean) => shaped && (inject.length !== 1 || !test(inject[0] as InjectionView));
  switch (mode) {
    case "bearer":
      if (only((i) => i.in === "header" && isAuthorization(i.name) && textThenField(i.value) === "Bearer ")) {
        where('exactly one inject entry: Authorization: "Bearer {{auth.x}}"', "write - {in: header, name: Authorization, value: 'Bearer {{auth.token}}'} (another header or prefix is mode api_key)");
      }
      break;
    case "api_key":
      if (only((i) => i.in === "header" && textThenField(i.value) !== null)) {
        where('exactly one inject entry with in: header whose value is the key, optionally after fixed text ("{{auth.api_key}}", "Token {{auth.api_key}}")', "write - {in: header, name: X-Api-Key, value: '{{auth.api_key}}'} (a query parameter is mode api_key_query, several headers api_key_multi_header)");
      }
      break;
    case "basic":
      if (only((i) => i.in === "basic")) where("exactly one inject entry, with in: basic", "write - {in: basic, username: '{{auth.email}}', password: '{{auth.api_token}}'}");
      break;
    case "api_key_query":
      if (shaped && !inject.every((i) => i.in === "query")) where("inject entries with in: query only", "write one - {in: query, name: key, value: '{{auth.api_key}}'} per parameter");
      break;
    case "api_key_multi_header":
      if (shaped && (headers.length < 2 || headers.length !== inject.length)) where("two or more inject entries, all with in: header", "add one - {in: header, name: …, value: '{{auth.x}}'} per header");
      break;
    case "bot_token":
      if (only((i) => i.in === "header" && isAuthorization(i.name) && /^[A-Za-z][A-Za-z0-9_-]* $/.test(textThenField(i.value) ?? ""))) {
        where('exactly one inject entry: Authorization: "<Scheme> {{auth.x}}"', "write - {in: header, name: Authorization, value: 'Bot {{auth.bot_token}}'}");
      }
      break;
    case "token_in_url_path":
      if (only((i) => i.in === "path" && textThenField(i.value) !== null)) {
        where('exactly one inject entry with in: path whose value is fixed text then the token ("/bot{{auth.bot_token}}")', "write - {in: path, value: '/bot{{auth.bot_token}}'}");
      }
      break;
    case "oauth2_client_credentials": {
      if (!auth.oauth2) report(["auth"], 'auth mode "oauth2_client_credentials" needs auth.oauth2.token_url', "add auth.oauth2: {token_url: https://…}");
      for (const need of ["client_id", "client_secret"]) {
        if (!fieldNames.has(need)) report(["auth", "fields"], `auth mode "oauth2_client_credentials" needs a field named "${need}"`, `add - {name: ${need}, label: …} to auth.fields`);
      }
      if (fieldNames.has("access_token")) report(["auth", "fields"], '"access_token" is fetched from the token endpoint, not typed by the user', "remove the access_token field; inject uses {{auth.access_token}} as is");
      if (only((i) => i.in === "header" && isAuthorization(i.name) && /^Bearer \{\{\s*auth\.access_token\s*\}\}$/.test(i.value ?? ""))) {
        where('exactly one inject entry: Authorization: "Bearer {{auth.access_token}}"', "write - {in: header, name: Authorization, value: 'Bearer {{auth.access_token}}'}");
      }
      break;
    }
    case "mcp":
      if (!auth.mcp) report(["auth"], 'auth mode "mcp" needs auth.mcp.url', "add auth.mcp: {url: https://…/mcp}");
      if (!fieldNames.has("connection_token")) report(["auth", "fields"], 'auth mode "mcp" needs a field named "connection_token" (sent as Authorization: Bearer)', "add - {name: connection_token, label: …} to auth.fields");
      if (inject.length > 0) report(["auth", "inject"], 'auth mode "mcp" takes no inject: the connection_token is sent as Authorization: Bearer', "remove auth.inject");
      break;
  }
  if (auth.oauth2 && mode !== "oauth2_client_credentials") report(["auth", "oauth2"], `auth.oauth2 is only for mode "oauth2_client_credentials" (this connector is "${mode}")`, "remove auth.oauth2 or change the mode");
  if (auth.mcp && mode !== "mcp") report(["auth", "mcp"], `auth.mcp is only for mode "mcp" (this connector is "${mode}")`, "remove auth.mcp or change the mode");

  if (mode !== "mcp" && !m.http) report([], "http.base_url is required (only mcp connectors may omit it)", "add http: {base_url: https://api.vendor.com}");
  if (mode !== "mcp" && m.tools.length === 0) report(["tools"], "a connector needs at least one tool (only mcp connectors discover theirs)", "add a tool");
  if (mode !== "none" && !m.verify && mode !== "mcp") report([], "verify is required so the connect page can check a credential before storing it", "add verify: {method: GET, path: /me}");
}
