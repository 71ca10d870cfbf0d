import type { Diagnostic } from "../diagnostics";
import { jsonPathOf } from "../diagnostics";
import type { YamlSource } from "../load/yaml-source";
import type { ManifestView } from "./manifest-view";
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

  const checkRefs = (value: unknown, at: (string | number)[], inputs: Set<string> | null) => {
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
        if (names === null) {
          report(s.at, `{{input.${name}}} cannot be used here: only tool requests receive input`, "use {{auth.x}} or {{config.x}}");
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
  checkRefs(m.auth.inject, ["auth", "inject"], null);
  checkRefs(m.auth.oauth2, ["auth", "oauth2"], null);
  checkRefs(m.auth.mcp, ["auth", "mcp"], null);

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

function checkMode(m: ManifestView, report: Report) {
  const { auth } = m;
  const inject = auth.inject ?? [];
  const needsInject = ["api_key", "bearer", "basic", "query", "multi_header", "oauth2_client_credentials"];
  if (auth.mode === "none") {
    if ((auth.fields ?? []).length > 0 || inject.length > 0) report(["auth"], 'auth mode "none" takes no fields or inject', "remove auth.fields and auth.inject, or pick another mode");
  } else if (needsInject.includes(auth.mode) && inject.length === 0) {
    report(["auth"], `auth mode "${auth.mode}" needs at least one auth.inject entry`, "say where the credential goes, e.g. - {in: header, name: Authorization, value: 'Bearer {{auth.token}}'}");
  }
  if (auth.mode !== "none" && auth.mode !== "oauth2_client_credentials" && auth.mode !== "mcp" && (auth.fields ?? []).length === 0) {
    report(["auth"], `auth mode "${auth.mode}" needs at least one auth.fields entry`, "declare the credential the end user enters");
  }
  if (auth.mode === "basic" && !inject.some((i) => i.in === "basic")) report(["auth", "inject"], 'auth mode "basic" needs an inject entry with in: basic', "add - {in: basic, username: '{{auth.email}}', password: '{{auth.api_token}}'}");
  if (auth.mode === "query" && !inject.some((i) => i.in === "query")) report(["auth", "inject"], 'auth mode "query" needs an inject entry with in: query', "add - {in: query, name: key, value: '{{auth.api_key}}'}");
  if (auth.mode === "multi_header" && inject.filter((i) => i.in === "header").length < 2) report(["auth", "inject"], 'auth mode "multi_header" needs two or more header injections', "add one inject entry per header");
  inject.forEach((inj, i) => {
    if ((inj.in === "header" || inj.in === "query") && (!inj.name || inj.value === undefined)) {
      report(["auth", "inject", i], `an inject entry with in: ${inj.in} needs name and value`, "set name and value");
    }
    if (inj.in === "basic" && (inj.username === undefined || inj.password === undefined)) {
      report(["auth", "inject", i], "an inject entry with in: basic needs username and password", "set username and password templates");
    }
  });
  if (auth.mode === "oauth2_client_credentials" && !auth.oauth2) report(["auth"], 'auth mode "oauth2_client_credentials" needs auth.oauth2.token_url', "add auth.oauth2: {token_url: https://…}");
  if (auth.mode === "mcp" && !auth.mcp) report(["auth"], 'auth mode "mcp" needs auth.mcp.url', "add auth.mcp: {url: https://…/mcp}");
  if (auth.mode !== "mcp" && !m.http) report([], "http.base_url is required (only mcp connectors may omit it)", "add http: {base_url: https://api.vendor.com}");
  if (auth.mode !== "mcp" && m.tools.length === 0) report(["tools"], "a connector needs at least one tool (only mcp connectors discover theirs)", "add a tool");
  if (auth.mode !== "none" && !m.verify && auth.mode !== "mcp") report([], "verify is required so the connect page can check a credential before storing it", "add verify: {method: GET, path: /me}");
}
