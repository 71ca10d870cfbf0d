// The hand-written core every generated connector module (generated/connectors/<id>.ts)
// imports: the types a module exports (its tools, its auth, the requests it builds) and the
// small helpers its compiled builders call. Codegen copies this file into generated/connectors/.
// The guarantees of a built request live here, once: a path value is one encoded segment
// ("." and ".." refused) or, for `{{+input.x}}`, several (each encoded, none empty, "." or ".."),
// a header value one line, absent optional inputs are dropped, arrays are comma-joined in the
// query, form bodies nest Stripe-style, multipart files are base64 within a byte limit.
// Credentials never pass through here: the executor injects them per the connector's
// AuthSpec, after building. Also the helpers of compiled `select`s (`arg`, `each`).

/** A request as a compiled builder produces it: absolute URL, encoded body. */
export interface BuiltRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
  /** Absolute URL on the connector's host; `query` entries are appended to it. */
  url: string;
  query?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  /** Already encoded (JSON, form or multipart), with its Content-Type in `headers`; a string or bytes so retries can resend it. */
  body?: string | Uint8Array<ArrayBuffer> | null;
}

/** Literal text and credential fields, e.g. `["Bearer ", { field: "token" }]` or `[{ field: "email" }, "/token"]`. */
export type CredentialTemplate = readonly (string | { readonly field: string })[];

/** A credential field's name, or a template mixing literal text and fields. */
export type CredentialValue = string | CredentialTemplate;

/**
 * How a connector's credential reaches the vendor, one variant per auth mode of the manifest
 * format (and of ../shared/connectors/catalog.json). Field names name keys of the opened credential.
 */
export type AuthSpec =
  | { mode: "none" }
  /** `Authorization: Bearer <token>` */
  | { mode: "bearer"; field: string }
  /** `<header>: <prefix><key>`, e.g. `PRIVATE-TOKEN: glpat-…` (prefix usually empty). */
  | { mode: "api_key"; header: string; field: string; prefix?: string }
  /** `Authorization: Basic base64(<username_field>:<password_field>)` */
  | { mode: "basic"; username_field: string; password_field: string }
  /** `Authorization: Basic base64(<username>:<password>)` from templates: Mailgun's `api:<key>`, Zendesk's `<email>/token:<token>`. */
  | { mode: "basic"; username: CredentialTemplate; password: CredentialTemplate }
  /** Several headers at once, header name → credential field or template (e.g. Datadog's two keys). */
  | { mode: "api_key_multi_header"; headers: Readonly<Record<string, CredentialValue>> }
  /** Query parameters, parameter name → credential field or template (e.g. Trello's `key` and `token`). */
  | { mode: "api_key_query"; params: Readonly<Record<string, CredentialValue>> }
  /** `Authorization: <scheme> <token>`, e.g. Discord's `Bot <token>`. */
  | { mode: "bot_token"; field: string; scheme: string }
  /** The token as the first path segment after `prefix`, e.g. Telegram's `/bot<token>/getMe`. */
  | { mode: "token_in_url_path"; field: string; prefix: string }
  /** A token from `token_url` (grant_type=client_credentials unless `params` says otherwise), sent as a Bearer token. */
  | {
      mode: "oauth2_client_credentials";
      /** Absolute, its `{{config.x}}` already filled in. */
      token_url: string;
      client_id_field: string;
      client_secret_field: string;
      /** Space-separated scopes. */
      scope?: string;
      /** Client credentials in the token request body (default) or as HTTP Basic. */
      client_auth?: "body" | "basic";
      /** Token request body encoding (default form). */
      token_body_encoding?: "form" | "json";
      /** Extra grant parameters (filled in), e.g. Zoom's `grant_type: account_credentials`, `account_id`. */
      params?: Readonly<Record<string, string>>;
    }
  /** An MCP server's connection token, sent as a Bearer token. */
  | { mode: "mcp"; field: string };

/** The connection's non-secret settings (`{{config.x}}`). */
export type Config = Readonly<Record<string, string>>;

export interface ValidationError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
/** An Ajv standalone validator (generated/connectors/<id>.validators.js). */
export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}

/** Behaviour hints from the manifest. */
export interface ToolAnnotations {
  read_only: boolean;
  destructive: boolean;
  idempotent?: boolean;
}

/** One compiled tool: its schema, its validator and its request builder. */
export interface CompiledTool<I = never> {
  /** `<connector>/<tool>` */
  name: string;
  description: string;
  annotations: ToolAnnotations;
  input_schema: Readonly<Record<string, unknown>>;
  validate: Validator;
  /** Only called with input `validate` accepted; `base` is the base URL calls go to. */
  build(input: I, config: Config, base: string): BuiltRequest;
  /** The manifest's `response.select` compiled: the part of the JSON answer the model sees (undefined → null). */
  select: ((response: unknown) => unknown) | null;
  max_chars: number | null;
}

/** A connector's compiled module (generated/connectors/<id>.ts), loaded through the registry when used. */
export interface ConnectorModule {
  id: string;
  mode: AuthSpec["mode"];
  /** The manifest's base URL with its settings filled in (each an encoded segment); null for mcp. */
  baseUrl(config: Config): string | null;
  /** The executor's auth spec; for oauth2 its token URL and params are filled in with `config`. */
  auth(config: Config): AuthSpec;
  // A tool's builder takes its own input type; callers pass validated input.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tools: Readonly<Record<string, CompiledTool<any>>>;
  /** The request that checks a credential (null for none and mcp). */
  verify: { build(config: Config, base: string): BuiltRequest; expect_status: readonly number[] | null } | null;
}

/** The input cannot be sent as asked; the message names the argument so a model can fix it. */
export class InputRefused extends Error {
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`${argument} ${reason}`);
  }
}

/** The connection lacks a `{{config.x}}` value the manifest needs (the user must reconnect). */
export class MissingConfig extends Error {
  constructor(readonly field: string) {
    super(`the connection has no setting "${field}"; reconnect the account`);
  }
}

/** The manifest asks for something a built request cannot be (reported as an internal error). */
export class TemplateUnsupported extends Error {}

/** A frozen lookup table with no prototype: only its own keys are found ("constructor" finds nothing). */
export function table<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** `{{input.a.b}}`, and a `select` path's keys: own keys only, so neither can reach Object.prototype. */
export function arg(input: unknown, ...path: string[]): unknown {
  let v = input;
  for (const key of path) v = v !== null && typeof v === "object" && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** `{{config.x}}`: present and non-empty, or the connection must be reconnected. */
export function cfg(config: Config, name: string): string {
  const v = Object.hasOwn(config, name) ? config[name] : undefined;
  if (v === undefined || v === "") throw new MissingConfig(name);
  return v;
}

/** A base URL setting, encoded so a value like `evil.com/#` cannot move the host. */
export function hostPart(config: Config, name: string): string {
  return encodeURIComponent(cfg(config, name));
}

/** A `select` path's `[]`: the rest of the path over each item (a missing value → null); undefined when not a list. */
export function each(v: unknown, rest: (item: unknown) => unknown): unknown[] | undefined {
  return Array.isArray(v) ? v.map((x) => rest(x) ?? null) : undefined;
}

/** Text mixed with refs: each value as text (JSON for non-strings); undefined when any is absent. */
export function text(...parts: unknown[]): string | undefined {
  let out = "";
  for (const p of parts) {
    if (p === undefined) return undefined;
    out += typeof p === "string" ? p : JSON.stringify(p);
  }
  return out;
}

/** One encoded path segment; "." or ".." (which URL parsing would resolve) and "" (an empty segment) are refused. */
export function seg(v: unknown, argument: string): string {
  if (v === undefined || v === null) throw new InputRefused(argument, "is required: it is part of the URL path");
  if (typeof v === "object") throw new InputRefused(argument, "must be a string: it is part of the URL path");
  const encoded = encode(String(v), argument);
  if (encoded === "" || encoded === "." || encoded === "..") throw new InputRefused(argument, `cannot be ${JSON.stringify(encoded)}: it is part of the URL path`);
  return encoded;
}

/** `{{+input.x}}`: a relative path of several segments (`docs/README.md`), each encoded and none "", "." or "..". */
export function segs(v: unknown, argument: string): string {
  if (v === undefined || v === null) throw new InputRefused(argument, "is required: it is part of the URL path");
  if (typeof v === "object") throw new InputRefused(argument, "must be a string: it is part of the URL path");
  return String(v)
    .split("/")
    .map((s) => {
      const encoded = encode(s, argument);
      if (encoded === "" || encoded === "." || encoded === "..") {
        throw new InputRefused(argument, `must be a relative path such as docs/README.md, with no leading, trailing or doubled "/" and no "." or ".." segment (got ${JSON.stringify(v)})`);
      }
      return encoded;
    })
    .join("/");
}

function encode(value: string, argument: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new InputRefused(argument, "holds invalid Unicode (a lone surrogate)");
  }
}

/** [name, value, argument] of a query parameter or header; `argument` names the input for errors. */
export type Param = readonly [string, unknown, string];

const isScalar = (v: unknown): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function scalarText(v: unknown, argument: string, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every(isScalar)) return v.map(String).join(",");
  if (!isScalar(v)) throw new InputRefused(argument, `must be a string, number, boolean or a list of them: it is sent ${where}`);
  return String(v);
}

/** Query params: absent → omitted; arrays comma-joined (`labels=a,b`); objects refused. */
export function query(params: readonly Param[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v, argument] of params) {
    const t = scalarText(v, argument, "in the query string");
    if (t !== undefined) out[name] = t;
  }
  return out;
}

/** Headers (connector defaults first, the tool's after); a line break or NUL is refused, never stripped. */
export function headers(params: readonly Param[]): Headers {
  const out = new Headers();
  for (const [name, v, argument] of params) {
    const t = scalarText(v, argument, `in the ${name} header`);
    if (t === undefined) continue;
    if (/[\r\n\0]/.test(t)) throw new InputRefused(argument, `cannot contain a line break or NUL: it is sent in the ${name} header`);
    out.set(name, t);
  }
  return out;
}

/** An object body: fields whose value is absent are dropped. */
export function fields(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key is a field like any other, not the prototype.
  for (const [k, v] of entries) if (v !== undefined) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** An array body: absent items are dropped. */
export function items(values: readonly unknown[]): unknown[] {
  return values.filter((v) => v !== undefined);
}

/**
 * application/x-www-form-urlencoded the way Stripe (and Rails, PHP) read nesting:
 * `metadata[plan]=pro`, `items[0][price]=p_1`; null sends "" (Stripe's "unset").
 */
export function formEncode(value: unknown): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TemplateUnsupported("a form body must be an object of fields");
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) addField(form, k, v);
  return form.toString();
}

function addField(form: URLSearchParams, key: string, v: unknown): void {
  if (v === undefined) return;
  if (v === null) return form.append(key, "");
  if (Array.isArray(v)) return v.forEach((item, i) => addField(form, `${key}[${i}]`, item));
  if (typeof v === "object") {
    for (const [k, inner] of Object.entries(v)) addField(form, `${key}[${k}]`, inner);
    return;
  }
  form.append(key, String(v));
}

/** [form field, base64 content, file name, content type, byte limit, argument] of a multipart file part. */
export type FilePart = readonly [string, unknown, unknown, unknown, number, string];

/** A request body as a compiled builder describes it. */
export interface BodySpec {
  value: unknown;
  encoding: "json" | "form" | "multipart";
  files?: readonly FilePart[];
}

/**
 * The BuiltRequest: base + path (its values already encoded by `seg`), query, headers merged
 * case-insensitively, the body encoded with its Content-Type unless the manifest set one
 * (multipart always sets its own: the boundary is part of it).
 */
export function request(method: BuiltRequest["method"], base: string, path: string, q: Record<string, string>, h: Headers, body?: BodySpec): BuiltRequest {
  const url = base.replace(/\/+$/, "") + path;
  // Belt and braces: had the URL parser resolved or re-read any part of the path, it changed shape.
  if (!new URL(url).pathname.endsWith(path)) throw new TemplateUnsupported(`the built path ${path} does not survive URL parsing`);
  let encoded: BuiltRequest["body"] = null;
  if (body?.encoding === "multipart") {
    const m = multipartEncode(body.value, body.files ?? []);
    encoded = m.bytes;
    h.set("content-type", m.type);
  } else if (body !== undefined && body.value !== undefined) {
    encoded = body.encoding === "form" ? formEncode(body.value) : JSON.stringify(body.value);
    if (!h.has("content-type")) h.set("content-type", body.encoding === "form" ? "application/x-www-form-urlencoded" : "application/json");
  }
  return { method, url, query: q, headers: Object.fromEntries(h), body: encoded };
}

/** Quoted-string escaping of a Content-Disposition name, as browsers do it (`"` and line breaks percent-encoded). */
const dispositionName = (s: string) => s.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/** `type/subtype` with optional `; name=value` parameters; spaces and tabs only, so no line break can open a new header. */
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:[ \t]*;[ \t]*[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+"-]+)*$/;

/**
 * multipart/form-data: body fields as text parts (a list repeats its field, absent or null
 * fields are left out), then the file parts whose content is present. The boundary is random
 * (128 bits), so no file can contain it by accident or design.
 */
export function multipartEncode(value: unknown, files: readonly FilePart[]): { bytes: Uint8Array<ArrayBuffer>; type: string } {
  if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) throw new TemplateUnsupported("a multipart body must be an object of fields");
  const random = crypto.getRandomValues(new Uint8Array(16));
  const boundary = `gatehouse-${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const utf8 = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const part = (head: string, content: Uint8Array) => chunks.push(utf8.encode(`--${boundary}\r\n${head}\r\n\r\n`), content, utf8.encode("\r\n"));
  for (const [name, v] of Object.entries(value ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null) continue;
      if (!isScalar(item)) throw new InputRefused(name, "must be a string, number, boolean or a list of them: it is sent as a form field");
      part(`Content-Disposition: form-data; name="${dispositionName(name)}"`, utf8.encode(String(item)));
    }
  }
  for (const [field, content, filename, contentType, maxBytes, argument] of files) {
    if (content === undefined || content === null) continue;
    const bytes = fromBase64(content, maxBytes, argument);
    const name = filename === undefined || filename === null ? "file" : String(filename);
    const type = contentType === undefined || contentType === null ? "application/octet-stream" : String(contentType);
    if (!MEDIA_TYPE.test(type)) throw new InputRefused(argument, `has a content type ${JSON.stringify(type)} that is not a media type such as audio/mpeg`);
    part(`Content-Disposition: form-data; name="${dispositionName(field)}"; filename="${dispositionName(name)}"\r\nContent-Type: ${type}`, bytes);
  }
  chunks.push(utf8.encode(`--${boundary}--\r\n`));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, type: `multipart/form-data; boundary=${boundary}` };
}

/** A file given as base64 (standard or URL-safe alphabet, padding optional, a `data:…;base64,` prefix allowed), at most `maxBytes` decoded. */
export function fromBase64(v: unknown, maxBytes: number, argument: string): Uint8Array<ArrayBuffer> {
  if (typeof v !== "string") throw new InputRefused(argument, "must be the file's bytes as a base64 string");
  const text = v.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) throw new InputRefused(argument, "is not valid base64: encode the file's bytes with the standard base64 alphabet (A-Z, a-z, 0-9, +, /)");
  const size = Math.floor((text.length * 3) / 4);
  if (size > maxBytes) throw new InputRefused(argument, `is ${size} bytes once decoded, above this tool's limit of ${maxBytes} bytes`);
  const binary = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
