// The catalog lint (issue 18): rules that make a manifest one a model can pick and call
// correctly on the first try — a reference link, enough tools, verb names, descriptions long
// enough to disambiguate, precise input schemas, annotations that agree with the HTTP method,
// bounded responses. Structural checks (templates, path params, duplicates, credentials only
// in auth.inject) live in manifest-semantics.ts; this file adds only the quality rules.
// Rules and their reasons are listed in connectors/README.md ("The catalog lint").
import type { Diagnostic } from "../diagnostics";
import { jsonPathOf } from "../diagnostics";
import type { YamlSource } from "../load/yaml-source";
import type { ManifestView, ToolView } from "./manifest-view";
import { stringsIn } from "./templates";

/**
 * true: lint findings fail `npm run gen` like any other manifest problem.
 * false: they are printed as warnings and gen still writes (while the catalog is being written).
 */
export const STRICT_CATALOG_LINT = true;

/** The verbs a tool name may start with (`create_issue`, `search_contacts`). */
export const TOOL_VERBS: readonly string[] = [
  "list", "get", "search", "find", "create", "update", "delete", "send", "add", "remove", "cancel",
  "archive", "run", "trigger", "query", "upload", "download", "reply", "assign", "close", "merge",
  "move", "start", "stop", "resolve", "acknowledge", "schedule", "invite", "publish", "refund",
  "capture", "complete", "retrieve", "post", "set", "check", "generate", "transcribe", "embed",
  "scrape", "crawl", "extract", "fetch", "track", "identify", "upsert",
];

/**
 * Tool names from the vendor catalog (../shared/connectors/catalog.json) that do not start with
 * one of TOOL_VERBS. Manifests keep the catalog's three names, so these are allowed as they are;
 * a test checks this list against the catalog. New tools follow the verb rule.
 */
export const CATALOG_TOOL_NAMES: readonly string[] = [
  "agent_response", "answer", "chat_completion", "comment_on_candidate", "count_tokens", "current_weather",
  "discover_zapier_actions", "domain_search", "droplet_action", "email_finder", "email_verifier",
  "event_segmentation", "execute_sql", "execute_zapier_read_action", "execute_zapier_write_action",
  "forecast_5day", "geocode", "google_news", "google_search", "graphql", "image_search", "make_call",
  "news_search", "realtime_visitors", "rerun_workflow", "segmentation", "soql_query", "speech_to_text",
  "sync_contact", "tag_subscriber", "text_to_speech", "user_search", "web_search",
];

/** Verbs that read; a read_only tool sent with POST must start with one (search APIs, GraphQL queries) or be a catalog name. */
export const READ_VERBS: readonly string[] = ["list", "get", "search", "find", "query", "retrieve", "fetch", "check", "count", "scrape", "crawl", "extract"];

export const MIN_TOOLS = 5;
export const MIN_TOOL_DESCRIPTION = 40;
export const MIN_PROPERTY_DESCRIPTION = 8;
export const MAX_RESPONSE_CHARS = 50_000;

/**
 * Vendors whose API is served from another domain than their own site (where the reference
 * lives): API registrable domain → the docs domains that count as the same vendor.
 */
export const API_DOMAIN_ALIASES: Readonly<Record<string, readonly string[]>> = {
  "bitbucket.org": ["atlassian.com"],
  "brexapis.com": ["brex.com"],
  "harvestapp.com": ["getharvest.com"],
  "helpscout.net": ["helpscout.com"],
  "hubapi.com": ["hubspot.com"],
  "intercom.io": ["intercom.com"],
  "segmentapis.com": ["segment.com"],
  "anthropic.com": ["claude.com"],
};

/** `api.github.com` → `github.com` (the last two labels, as the catalog design defines it). */
export function registrableDomain(host: string): string {
  return host.toLowerCase().split(".").slice(-2).join(".");
}

/** The host of an https URL template, or null when the host itself holds a `{{…}}` reference. */
function fixedHost(url: string): string | null | undefined {
  const m = /^https:\/\/([^/?#]+)/.exec(url);
  if (!m) return undefined;
  const host = (m[1] as string).replace(/:\d+$/, "");
  return host.includes("{{") ? null : host;
}

type At = (string | number)[];

/** Lint one manifest that already passed the schema and the semantic checks. */
export function lintCatalogManifest(src: YamlSource, m: ManifestView): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (at: At, message: string, hint: string) => {
    const { line, column } = src.position(at);
    out.push({ file: src.file, line, column, jsonPath: jsonPathOf(at), message, hint });
  };

  checkDocsUrl(m, report);
  checkLiteralSecrets(m, report);

  const isMcp = m.auth.mode === "mcp";
  if (!isMcp && m.tools.length < MIN_TOOLS) {
    report(["tools"], `${m.tools.length} tool(s); a catalog connector needs at least ${MIN_TOOLS} (find/list, read one, create, update, the vendor's signature action)`, "add the missing tools from the vendor's API reference");
  }
  m.tools.forEach((tool, i) => checkTool(tool, ["tools", i], report));
  return out;
}

type Report = (at: At, message: string, hint: string) => void;

/**
 * Shapes of real credentials (Stripe, GitHub, Slack, AWS, OpenAI/Anthropic-style keys, JWTs):
 * one pasted into a request template, a header or a schema example would ship to every user.
 */
const SECRET_SHAPES: readonly RegExp[] = [
  /\b[rs]k_(live|test)_[A-Za-z0-9]{10,}/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}/,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
];

function checkLiteralSecrets(m: ManifestView, report: Report) {
  const places: [unknown, At][] = [
    [m.http, ["http"]],
    [m.verify, ["verify"]],
    ...m.tools.flatMap((t, i): [unknown, At][] => [
      [t.request, ["tools", i, "request"]],
      [t.input_schema, ["tools", i, "input_schema"]],
    ]),
  ];
  for (const [value, at] of places) {
    for (const s of stringsIn(value, at)) {
      if (SECRET_SHAPES.some((re) => re.test(s.text))) {
        report(s.at, "this looks like a real credential; a manifest ships to every user", "remove it: credentials come from auth.fields through auth.inject, and examples use obvious fakes (sk_test_…)");
      }
    }
  }
}

function checkDocsUrl(m: ManifestView, report: Report) {
  const docs = m.docs_url;
  if (docs === undefined) {
    report([], "docs_url is missing: link the vendor's API reference so a reader can check every tool", "add docs_url: https://… (the vendor's API reference page)");
    return;
  }
  const docsHost = fixedHost(docs);
  if (!docsHost) {
    report(["docs_url"], `docs_url must be a plain https URL (got ${JSON.stringify(docs)})`, "use the reference page's address, e.g. https://docs.github.com/en/rest");
    return;
  }
  // An mcp connector has no base URL (its server often lives on another domain): nothing to compare.
  const base = m.http?.base_url;
  const baseHost = base === undefined ? null : fixedHost(base);
  if (!baseHost) return; // templated host (a tenant subdomain): nothing fixed to compare with
  const [docsDomain, apiDomain] = [registrableDomain(docsHost), registrableDomain(baseHost)];
  if (docsDomain !== apiDomain && !(API_DOMAIN_ALIASES[apiDomain] ?? []).includes(docsDomain)) {
    const also = API_DOMAIN_ALIASES[apiDomain] ? ` (or ${API_DOMAIN_ALIASES[apiDomain]?.join(", ")})` : "";
    report(["docs_url"], `docs_url's domain ${docsDomain} differs from the base URL's ${apiDomain}${also}`, `link the reference on ${apiDomain} (the vendor's own site), or fix the base URL; if the vendor's API and docs really live on two domains, add the pair to API_DOMAIN_ALIASES in codegen/validate/catalog-lint.ts`);
  }
}

function checkTool(tool: ToolView, at: At, report: Report) {
  const verb = tool.name.split("_")[0] as string;
  if (!CATALOG_TOOL_NAMES.includes(tool.name) && (!TOOL_VERBS.includes(verb) || !/^[a-z]+(_[a-z0-9]+)*$/.test(tool.name))) {
    report([...at, "name"], `tool name "${tool.name}" must be snake_case and start with one of: ${TOOL_VERBS.join(", ")}`, "e.g. create_issue, search_contacts, send_message (a bare verb such as search is fine)");
  }
  if (tool.description.trim().length < MIN_TOOL_DESCRIPTION) {
    report([...at, "description"], `description is ${tool.description.trim().length} characters; at least ${MIN_TOOL_DESCRIPTION} are needed to tell the model what it does, when to use it and what it returns`, "describe the action, when to pick this tool over its neighbours, and the result");
  }

  const schema = tool.input_schema as Record<string, unknown>;
  if (schema.additionalProperties !== false) {
    report([...at, "input_schema"], "input_schema must set additionalProperties: false (so a misspelt argument is refused, not silently dropped)", "add additionalProperties: false to the top object");
  }
  checkSchema(schema, [...at, "input_schema"], report);

  checkAnnotations(tool, verb, at, report);

  const max = tool.response?.max_chars;
  if (max === undefined) {
    report(tool.response ? [...at, "response"] : at, "response.max_chars is missing: an unbounded vendor response can flood the model's context", "set response: { max_chars: 12000 } (typically 8000–20000)");
  } else if (max > MAX_RESPONSE_CHARS) {
    report([...at, "response", "max_chars"], `response.max_chars ${max} is above ${MAX_RESPONSE_CHARS}`, `lower it to at most ${MAX_RESPONSE_CHARS} and use response.select to keep the useful part`);
  }
}

/** Describe every property (nested too), give each a type, and use pattern instead of format. */
function checkSchema(schema: unknown, at: At, report: Report) {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return;
  const s = schema as Record<string, unknown>;
  if ("format" in s && typeof s.format === "string") {
    report([...at, "format"], `JSON Schema "format" (${s.format}) is not checked by the manifest validator`, "use pattern plus examples, e.g. pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-01-31']");
  }
  const props = s.properties;
  if (props && typeof props === "object") {
    for (const [name, p] of Object.entries(props as Record<string, unknown>)) {
      const pat = [...at, "properties", name];
      const prop = (p && typeof p === "object" ? p : {}) as Record<string, unknown>;
      const d = typeof prop.description === "string" ? prop.description.trim() : "";
      if (d.length < MIN_PROPERTY_DESCRIPTION) {
        report(d === "" ? pat : [...pat, "description"], d === "" ? `property "${name}" has no description` : `property "${name}"'s description "${d}" is shorter than ${MIN_PROPERTY_DESCRIPTION} characters`, "say what it means and what it looks like, e.g. \"ISO 8601 date, e.g. 2026-01-31\"");
      }
      if (!("type" in prop) && !("enum" in prop) && !("const" in prop) && !("anyOf" in prop) && !("oneOf" in prop) && !("$ref" in prop)) {
        report(pat, `property "${name}" has no type`, "add type: string | integer | number | boolean | array | object (or an enum)");
      }
      checkSchema(prop, pat, report);
    }
  }
  if (s.items) checkSchema(s.items, [...at, "items"], report);
  if (s.additionalProperties && typeof s.additionalProperties === "object") checkSchema(s.additionalProperties, [...at, "additionalProperties"], report);
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    const list = s[k];
    if (Array.isArray(list)) list.forEach((sub, i) => checkSchema(sub, [...at, k, i], report));
  }
}

function checkAnnotations(tool: ToolView, verb: string, at: At, report: Report) {
  const a = tool.annotations ?? {};
  const missing = (["read_only", "destructive", "idempotent"] as const).filter((k) => typeof a[k] !== "boolean");
  if (missing.length > 0) {
    report(tool.annotations ? [...at, "annotations"] : at, `annotations must state read_only, destructive and idempotent (missing: ${missing.join(", ")})`, "add annotations: { read_only: …, destructive: …, idempotent: … }");
    return;
  }
  const method = tool.request.method.toUpperCase();
  const where = [...at, "annotations"];
  const says = `annotations { read_only: ${a.read_only}, destructive: ${a.destructive}, idempotent: ${a.idempotent} }`;
  if (method === "GET" && (!a.read_only || a.destructive || !a.idempotent)) {
    report(where, `a GET tool must be read_only: true, destructive: false, idempotent: true (has ${says})`, "set annotations: { read_only: true, destructive: false, idempotent: true }");
  }
  if (method === "DELETE" && (!a.destructive || a.read_only)) {
    report(where, `a DELETE tool must be destructive: true and read_only: false (has ${says})`, "set annotations: { read_only: false, destructive: true, idempotent: true }");
  }
  if (method === "PUT" && !a.idempotent) {
    report(where, `a PUT tool must be idempotent: true (has ${says})`, "set idempotent: true (PUT replaces; sending it twice has one effect)");
  }
  if (a.read_only && a.destructive) {
    report(where, "a tool cannot be both read_only and destructive", "a tool that deletes or overwrites is not read_only");
  }
  if (a.read_only && method !== "GET" && !(method === "POST" && (READ_VERBS.includes(verb) || CATALOG_TOOL_NAMES.includes(tool.name)))) {
    report(where, `read_only: true needs GET, or POST for a search/query endpoint whose name starts with ${READ_VERBS.join("/")} (this is ${method} ${tool.name})`, "set read_only: false, or rename the tool if it only searches");
  }
}
