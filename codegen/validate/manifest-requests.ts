// Semantic checks of a tool's request and response shaping that JSON Schema cannot express:
// `{{+input.x}}` (a path of several segments) only in a tool's path and on a string input;
// `response.select` paths well formed and its map's keys plain names; a `multipart` body's
// fields flat and its file parts each one base64 string input. Called by manifest-semantics.ts.
import type { ToolView } from "./manifest-view";
import { parseTemplate, stringsIn } from "./templates";

export type Report = (at: (string | number)[], message: string, hint?: string) => void;

/** A select path: keys separated by dots, each may end in `[]` (map the rest over a list); `[]` alone maps the answer itself. */
const SELECT_PATH = /^(?:\[\]|[^.[\]\s]+(?:\[\])?)(?:\.[^.[\]\s]+(?:\[\])?)*$/;
const RESULT_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BODY_METHODS = ["POST", "PUT", "PATCH"];

/** `{{+input.x}}` anywhere but `tools[i].request.path`: where it is allowed is the only thing checked here. */
export function checkMultiSegmentRefs(value: unknown, at: (string | number)[], report: Report): void {
  for (const s of stringsIn(value, at)) {
    const p = parseTemplate(s.text);
    if (!p.ok) continue; // reported by the reference checks
    const inToolPath = s.at.length === 4 && s.at[0] === "tools" && s.at[2] === "request" && s.at[3] === "path";
    for (const part of p.parts) {
      if (typeof part === "string" || !part.multi) continue;
      if (!inToolPath || part.ref !== "input") {
        report(s.at, `{{+${part.ref}.${part.path.join(".")}}} (a value of several path segments) is only for a tool's request.path, with an input`, `write {{${part.ref}.${part.path.join(".")}}}`);
      }
    }
  }
}

export function checkToolRequest(tool: ToolView, at: (string | number)[], report: Report): void {
  const props = (tool.input_schema.properties ?? {}) as Record<string, { type?: unknown } | undefined>;
  const path = parseTemplate(tool.request.path);
  if (path.ok) {
    for (const part of path.parts) {
      if (typeof part === "string" || !part.multi || part.ref !== "input") continue;
      const name = part.path[0] as string;
      const type = props[name]?.type;
      if (name in props && type !== "string") {
        report([...at, "request", "path"], `{{+input.${name}}} needs a string input (a path such as docs/README.md), but "${name}" has type ${JSON.stringify(type ?? "(none)")}`, `set input_schema.properties.${name}.type: string`);
      }
    }
  }
  checkSelect(tool.response?.select, [...at, "response", "select"], report);
  checkBody(tool, props, [...at, "request"], report);
}

function checkSelect(select: string | Record<string, string> | undefined, at: (string | number)[], report: Report): void {
  if (select === undefined) return;
  const checkPath = (path: string, where: (string | number)[]) => {
    if (path !== "" && !SELECT_PATH.test(path)) {
      report(where, `select path ${JSON.stringify(path)} is not a dot path`, 'write keys separated by dots, "[]" after a key to map over a list: data.items, items[].title, [].id');
    }
  };
  if (typeof select === "string") return checkPath(select, at);
  const entries = Object.entries(select);
  if (entries.length === 0) report(at, "select is an empty map", "name at least one result key, e.g. select: { items: data, next_cursor: meta.next_cursor }, or write one path");
  for (const [key, path] of entries) {
    if (!RESULT_KEY.test(key)) report([...at, key], `select key ${JSON.stringify(key)} is not a plain name (letters, digits, _)`, "name result keys like items, next_cursor, has_more (or the vendor's own, e.g. _metadata)");
    checkPath(path, [...at, key]);
  }
}

function checkBody(tool: ToolView, props: Record<string, { type?: unknown } | undefined>, at: (string | number)[], report: Report): void {
  const r = tool.request;
  const multipart = r.body_encoding === "multipart";
  if (r.files !== undefined && !multipart) {
    report([...at, "files"], "files are only sent by a multipart body", "set body_encoding: multipart (or remove files)");
  }
  if (!multipart) return;
  if (!BODY_METHODS.includes(r.method)) report([...at, "method"], `a multipart body cannot be sent with ${r.method}`, "use POST, PUT or PATCH");
  if (r.body !== undefined) {
    if (r.body === null || typeof r.body !== "object" || Array.isArray(r.body)) {
      report([...at, "body"], "a multipart body must be a map of form fields", 'write body: { model_id: "{{input.model_id}}" }');
    } else {
      for (const [k, v] of Object.entries(r.body)) {
        const flat = typeof v !== "object" || v === null || (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null));
        if (!flat) report([...at, "body", k], `multipart field "${k}" is an object: a form field holds text (a list repeats the field)`, "send nested data as its own fields, or use body_encoding: json");
        if (r.files && k in r.files) report([...at, "body", k], `"${k}" is both a form field and a file`, "rename one of them");
      }
    }
  }
  if (!r.files || Object.keys(r.files).length === 0) report(at, "a multipart body needs at least one entry in files", 'add files: { file: { content: "{{input.file_base64}}", filename: "{{input.filename}}", max_bytes: 10485760 } }, or use body_encoding: form');
  for (const [field, f] of Object.entries(r.files ?? {})) {
    const p = parseTemplate(f.content);
    const [only] = p.ok ? p.parts : [];
    const single = p.ok && p.parts.length === 1 && only !== undefined && typeof only !== "string" && only.ref === "input" && !only.multi && only.path.length === 1;
    if (!single) {
      report([...at, "files", field, "content"], `file content must be exactly one {{input.x}} (a string of base64), got ${JSON.stringify(f.content)}`, 'write content: "{{input.file_base64}}" and declare file_base64 as a string input');
      continue;
    }
    const name = only.path[0] as string;
    if (name in props && props[name]?.type !== "string") {
      report([...at, "files", field, "content"], `file content input "${name}" must have type string (the file's bytes as base64)`, `set input_schema.properties.${name}.type: string`);
    }
  }
}
