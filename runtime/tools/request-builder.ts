// From a tool's compiled request (generated/connectors/requests.ts) and its validated input
// to the executor's BuiltRequest. The manifest fixes the request's shape; input only fills
// holes, and can never change that shape: a path value is one encoded segment (a `/`, `?`,
// `#` or `..` in it stays data), a header value cannot start another header.
// Credentials are not resolved here: the executor injects them per the connector's auth spec.
import type { CompiledBody, CompiledRequest, TemplatePart } from "../../generated/connectors/requests";
import type { BuiltRequest } from "./types";

export interface BuildContext {
  /** The tool's arguments, already validated against its input schema. */
  input: Readonly<Record<string, unknown>>;
  /** The connection's non-secret settings (`{{config.site}}`). */
  config: Readonly<Record<string, string>>;
}

/** The input cannot be sent as asked; the message names the argument so a model can fix it. */
export class InputRefused extends Error {
  constructor(readonly argument: string, reason: string) {
    super(`${argument} ${reason}`);
  }
}

/** The connection lacks a `{{config.x}}` value the manifest needs (the user must reconnect). */
export class MissingConfig extends Error {
  constructor(readonly field: string) {
    super(`the connection has no setting "${field}"; reconnect the account`);
  }
}

/** The manifest asks for something this builder will not do (a credential outside `inject`). */
export class TemplateUnsupported extends Error {}

type Ref = Exclude<TemplatePart, string>;

export function buildRequest(req: CompiledRequest, connectorHeaders: CompiledRequest["headers"], baseUrl: string, ctx: BuildContext): BuiltRequest {
  const path = buildPath(req.path, ctx);
  const url = baseUrl.replace(/\/+$/, "") + path;
  // Belt and braces: had the URL parser resolved or re-read any part of the path, it changed shape.
  if (!new URL(url).pathname.endsWith(path)) throw new TemplateUnsupported(`the built path ${path} does not survive URL parsing`);
  const headers = buildHeaders([...connectorHeaders, ...req.headers], ctx);
  const query = buildQuery(req.query, ctx);
  const value = req.body === null ? undefined : bodyValue(req.body, ctx);
  let body: string | null = null;
  if (value !== undefined) {
    body = req.body_encoding === "form" ? formEncode(value) : JSON.stringify(value);
    if (!headers.has("content-type")) headers.set("content-type", req.body_encoding === "form" ? "application/x-www-form-urlencoded" : "application/json");
  }
  return { method: req.method, url, query, headers: Object.fromEntries(headers), body };
}

/** A ref's value; undefined when the input (or config) does not hold it. */
function resolve(ref: Ref, ctx: BuildContext): unknown {
  if (ref.ref === "auth") throw new TemplateUnsupported(`{{auth.${ref.path.join(".")}}} may only appear in the connector's inject list`);
  if (ref.ref === "config") {
    const v = ctx.config[ref.path[0] ?? ""];
    if (v === undefined || v === "") throw new MissingConfig(ref.path.join("."));
    return v;
  }
  let v: unknown = ctx.input;
  for (const key of ref.path) {
    // Own keys only: a template can never reach Object.prototype.
    v = v !== null && typeof v === "object" && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}

const nameOf = (ref: Ref) => ref.path.join(".");

/**
 * A template's value: a lone ref keeps its JSON type (array, number, object…); text mixed
 * with refs becomes a string. undefined when any ref is absent, so the caller drops it.
 */
export function templateValue(parts: readonly TemplatePart[], ctx: BuildContext): unknown {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && typeof only !== "string") return resolve(only, ctx);
  let text = "";
  for (const part of parts) {
    if (typeof part === "string") {
      text += part;
      continue;
    }
    const v = resolve(part, ctx);
    if (v === undefined) return undefined;
    text += typeof v === "string" ? v : JSON.stringify(v);
  }
  return text;
}

function buildPath(parts: readonly TemplatePart[], ctx: BuildContext): string {
  let path = "";
  for (const part of parts) path += typeof part === "string" ? part : pathValue(part, ctx);
  return path;
}

/** One encoded path segment; "." or ".." (which URL parsing would resolve) and "" (an empty segment) are refused. */
function pathValue(ref: Ref, ctx: BuildContext): string {
  const v = resolve(ref, ctx);
  if (v === undefined || v === null) throw new InputRefused(nameOf(ref), "is required: it is part of the URL path");
  if (typeof v === "object") throw new InputRefused(nameOf(ref), "must be a string: it is part of the URL path");
  const encoded = encodeOrRefuse(String(v), nameOf(ref));
  if (encoded === "" || encoded === "." || encoded === "..") throw new InputRefused(nameOf(ref), `cannot be ${JSON.stringify(encoded)}: it is part of the URL path`);
  return encoded;
}

function encodeOrRefuse(text: string, argument: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    throw new InputRefused(argument, "holds invalid Unicode (a lone surrogate)");
  }
}

/**
 * Query params: absent → omitted; arrays comma-joined (`labels=a,b`, as GitHub and most
 * REST APIs read them) rather than repeated, since BuiltRequest.query holds one value per name.
 */
function buildQuery(entries: CompiledRequest["query"], ctx: BuildContext): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, parts] of entries) {
    const text = scalarText(templateValue(parts, ctx), parts, "in the query string");
    if (text !== undefined) query[name] = text;
  }
  return query;
}

function buildHeaders(entries: CompiledRequest["headers"], ctx: BuildContext): Headers {
  const headers = new Headers();
  for (const [name, parts] of entries) {
    const text = scalarText(templateValue(parts, ctx), parts, `in the ${name} header`);
    if (text === undefined) continue;
    // A line break would end this header and start one the caller chose: refused, never stripped.
    if (/[\r\n\0]/.test(text)) throw new InputRefused(argumentOf(parts), `cannot contain a line break or NUL: it is sent in the ${name} header`);
    headers.set(name, text);
  }
  return headers;
}

function scalarText(v: unknown, parts: readonly TemplatePart[], where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every(isScalar)) return v.map(String).join(",");
  if (!isScalar(v)) throw new InputRefused(argumentOf(parts), `must be a string, number, boolean or a list of them: it is sent ${where}`);
  return String(v);
}

const isScalar = (v: unknown): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function argumentOf(parts: readonly TemplatePart[]): string {
  const ref = parts.find((p): p is Ref => typeof p !== "string");
  return ref ? nameOf(ref) : "a value";
}

/** The body as JSON-ready data; absent optional fields (and array items) are dropped. */
export function bodyValue(body: CompiledBody, ctx: BuildContext): unknown {
  switch (body.t) {
    case "lit":
      return body.value;
    case "tpl":
      return templateValue(body.parts, ctx);
    case "obj": {
      const out: Record<string, unknown> = {};
      for (const [k, b] of body.entries) {
        const v = bodyValue(b, ctx);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    case "arr":
      return body.items.map((b) => bodyValue(b, ctx)).filter((v) => v !== undefined);
    default: {
      const never: never = body;
      throw new TemplateUnsupported(`unknown body node ${JSON.stringify(never)}`);
    }
  }
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
