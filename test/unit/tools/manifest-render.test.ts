// Every tool of every manifest in connectors/, built without network: arguments generated from
// the tool's own input schema (required ones only, then every one), fake credentials and
// settings, then the executor's build step (prepareToolCall). Checked against the manifest
// itself: method, the manifest's host, path values encoded as one segment each, every argument
// present in the path, query or body, no credential anywhere in the built request, no template
// left over, and the credential placed by the executor's inject exactly where `auth.inject` says.
// Table-driven over the files, so each manifest added to connectors/ is covered without edits.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ConnectorManifest, ConnectorTool } from "../../../generated/schemas/types";
import { prepareToolCall } from "../../../runtime/tools/connector-call";
import { injectCredential, type Outgoing } from "../../../runtime/tools/inject";
import type { BuiltRequest, Credential } from "../../../runtime/tools/types";
import { sampleInput, sampleString, type JsonSchema } from "../../support/schema-inputs";

const DIR = new URL("../../../connectors/", import.meta.url);
const manifests: ConnectorManifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => parse(readFileSync(new URL(f, DIR), "utf8")) as ConnectorManifest);

/** The fetched OAuth2 token stands in as `{{auth.access_token}}`. */
const ACCESS_TOKEN = "S3CRETaccesstoken";

/** Fake secrets: distinctive, and unchanged by URL encoding so they are easy to find. */
function credentialOf(m: ConnectorManifest): Record<string, string> {
  return Object.fromEntries((m.auth.fields ?? []).map((f) => [f.name, `S3CRET${f.name.replaceAll("_", "")}${m.id.replaceAll("-", "")}`]));
}

/** Settings that satisfy each config field's pattern (a Datadog site, a Twilio AC… sid). */
function configOf(m: ConnectorManifest): Record<string, string> {
  return Object.fromEntries((m.auth.config ?? []).map((f, i) => [f.name, f.pattern ? sampleString(f.pattern, f.name, i + 3) : `cfg${f.name.replaceAll("_", "")}`]));
}

/** A template with `{{ns.x}}` replaced by `pick(ns, x)`. */
/** Fills `{{ns.name}}` and `{{+input.name}}` (several path segments: `multi`). */
function fill(template: string, pick: (ns: string, name: string, multi: boolean) => string): string {
  return template.replaceAll(/\{\{\s*(\+?)(input|auth|config)\.([A-Za-z0-9_.]+)\s*\}\}/g, (_, plus: string, ns: string, name: string) => pick(ns, name, plus === "+"));
}

interface Row {
  name: string;
  variant: "required arguments" | "every argument";
  manifest: ConnectorManifest;
  tool: ConnectorTool;
}

const rows: Row[] = manifests.flatMap((manifest) =>
  manifest.tools.flatMap((tool) =>
    (["required arguments", "every argument"] as const).map((variant) => ({ name: `${manifest.id}/${tool.name}`, variant, manifest, tool })),
  ),
);

describe("the table", () => {
  it("holds every tool of every manifest, and every connector that is not mcp has tools", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const m of manifests) if (m.auth.mode !== "mcp") expect(m.tools.length, m.id).toBeGreaterThan(0);
    expect(rows.length).toBe(2 * manifests.reduce((n, m) => n + m.tools.length, 0));
  });
});

describe.each(rows)("$name with $variant", ({ name, variant, manifest, tool }) => {
  const input = sampleInput(tool.input_schema as JsonSchema, { optional: variant === "every argument" });
  const credential = credentialOf(manifest);
  const config = configOf(manifest);
  // No CONNECTOR_<ID>_URL: the call is built for the manifest's own base URL.
  const env = {} as Env;

  async function build(): Promise<BuiltRequest> {
    const prepared = await prepareToolCall(env, name, input, config);
    if (!("request" in prepared)) throw new Error(`${name} refused the generated arguments ${JSON.stringify(input)}: ${prepared.message}`);
    return prepared.request;
  }

  it("goes to the manifest's host, with its method and the path template filled in, each value one encoded segment", async () => {
    const request = await build();
    expect(request.method).toBe(tool.request.method);
    const base = new URL(fill(manifest.http!.base_url, (_, k) => encodeURIComponent(config[k] ?? "")));
    const url = new URL(request.url);
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe(base.host);
    // `{{+input.x}}`: each of the value's own segments encoded, its "/" kept.
    const segments = (v: unknown, multi: boolean) => (multi ? String(v).split("/") : [String(v)]);
    const path = fill(tool.request.path, (ns, k, multi) => segments(ns === "input" ? input[k] : config[k], multi).map(encodeURIComponent).join("/"));
    expect(url.pathname).toBe(base.pathname.replace(/\/$/, "") + path);
    // A "/" inside a one-segment value did not add a segment; a multi-segment value added its own.
    const added = fill(tool.request.path, (ns, k, multi) => "/".repeat(segments(ns === "input" ? input[k] : config[k], multi).length - 1));
    expect(url.pathname.split("/").length).toBe(base.pathname.replace(/\/$/, "").split("/").length + added.split("/").length - 1);
  });

  it("sends every argument it was given, in the path, the query, a header or the body", async () => {
    const request = await build();
    const sent = sentValues(request);
    for (const [arg, value] of Object.entries(input)) {
      for (const leaf of leaves(value)) expect(sent, `${name}: argument ${arg} (${leaf}) is not in the request`).toContain(leaf);
    }
  });

  it("holds no credential and no unfilled template before the executor injects", async () => {
    const request = await build();
    const text = JSON.stringify(request);
    const decoded = safeDecode(text);
    for (const secret of [...Object.values(credential), ACCESS_TOKEN]) expect(decoded).not.toContain(secret);
    expect(decoded).not.toContain("S3CRET");
    // A template reference left unfilled anywhere; URL and headers hold no braces pair at all
    // (a JSON body ends in "}}" legitimately).
    expect(decoded).not.toMatch(/\{\{\s*(input|auth|config)\./);
    expect(safeDecode(JSON.stringify([request.url, request.query, request.headers]))).not.toMatch(/\{\{|\}\}/);
    expect(Object.keys(request.headers ?? {}).map((h) => h.toLowerCase())).not.toContain("authorization");
  });

  it("gets the credential from the executor's inject exactly where auth.inject puts it, and nowhere else", async () => {
    const prepared = await prepareToolCall(env, name, input, config);
    if (!("request" in prepared)) throw new Error(prepared.message);
    const { request, auth } = prepared;
    const url = new URL(request.url);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const out: Outgoing = { url, headers: new Headers(request.headers ?? {}) };
    const before = { path: url.pathname, query: new URLSearchParams(url.search), headers: new Headers(out.headers) };
    injectCredential(out, auth, credential as Credential, ACCESS_TOKEN);

    const secrets = { ...credential, access_token: ACCESS_TOKEN };
    const value = (t: string) => fill(t, (_, k) => secrets[k as keyof typeof secrets] ?? `<missing ${k}>`);
    const touchedHeaders = new Set<string>();
    const touchedParams = new Set<string>();
    let pathPrefix = "";
    for (const entry of manifest.auth.inject ?? []) {
      if (entry.in === "header") {
        expect(out.headers.get(entry.name!)).toBe(value(entry.value!));
        touchedHeaders.add(entry.name!.toLowerCase());
      } else if (entry.in === "query") {
        expect(out.url.searchParams.get(entry.name!)).toBe(value(entry.value!));
        touchedParams.add(entry.name!);
      } else if (entry.in === "basic") {
        const pair = `${value(entry.username!)}:${value(entry.password!)}`;
        expect(out.headers.get("authorization")).toBe(`Basic ${Buffer.from(pair, "utf8").toString("base64")}`);
        touchedHeaders.add("authorization");
      } else if (entry.in === "path") {
        pathPrefix = value(entry.value!);
      }
    }
    if (manifest.auth.mode === "mcp") {
      expect(out.headers.get("authorization")).toBe(`Bearer ${credential.connection_token}`);
      touchedHeaders.add("authorization");
    }
    // Nothing else changed: other headers, other query parameters, the path after any prefix.
    expect(out.url.pathname).toBe(pathPrefix + before.path);
    for (const [h, v] of before.headers) if (!touchedHeaders.has(h)) expect(out.headers.get(h)).toBe(v);
    for (const [h] of out.headers) if (!touchedHeaders.has(h)) expect(before.headers.has(h), `${name}: unexpected header ${h}`).toBe(true);
    const params = [...out.url.searchParams.keys()].filter((p) => !touchedParams.has(p));
    expect(params.sort()).toEqual([...before.query.keys()].sort());
  });
});

/** Every scalar a request carries: decoded path segments (also without a .json-like suffix), query values (and their comma-separated parts), header values, body leaves. */
function sentValues(request: BuiltRequest): string[] {
  const segments = new URL(request.url).pathname.split("/").map(safeDecode);
  // A {{+input.x}} value spans segments (docs/README.md): every run of consecutive segments counts.
  const out = segments.flatMap((_, i) => segments.slice(i + 1).map((__, n) => segments.slice(i, i + n + 2).join("/")));
  out.push(...segments);
  // A value followed by a fixed suffix in its segment (Twilio's /Messages/{{input.MessageSid}}.json).
  out.push(...out.flatMap((segment) => (/\.[a-z]+$/.test(segment) ? [segment.replace(/\.[a-z]+$/, "")] : [])));
  for (const v of Object.values(request.query ?? {})) out.push(v, ...v.split(","));
  // A tool's own header templates (Contentful's X-Contentful-Version: {{input.version}}).
  out.push(...Object.values(request.headers ?? {}));
  const body = request.body ?? "";
  const type = Object.entries(request.headers ?? {}).find(([h]) => h.toLowerCase() === "content-type")?.[1] ?? "";
  if (body instanceof Uint8Array) out.push(...multipartValues(body, type));
  else if (body && type.includes("json")) out.push(...leaves(JSON.parse(body)));
  else if (body) for (const [, v] of new URLSearchParams(body)) out.push(v);
  return out;
}

/** A multipart body's text fields as text, its files as base64 (how the model passed them) with their file name and type. */
function multipartValues(body: Uint8Array, type: string): string[] {
  const boundary = /boundary=(\S+)/.exec(type)?.[1];
  if (!boundary) throw new Error(`a binary body without a multipart boundary (${type})`);
  const latin1 = Array.from(body, (b) => String.fromCharCode(b)).join("");
  return latin1
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((part) => {
      const split = part.indexOf("\r\n\r\n");
      const head = part.slice(0, split);
      const content = part.slice(split + 4, -2);
      const utf8 = (t: string) => new TextDecoder().decode(Uint8Array.from(t, (c) => c.charCodeAt(0)));
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      if (filename === undefined) return [utf8(content)];
      return [btoa(content), utf8(filename), /content-type: (.*)/i.exec(head)?.[1] ?? ""];
    });
}

function leaves(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [String(value)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
