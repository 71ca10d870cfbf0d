/** One HTTP operation read from the OpenAPI document. */
export interface Operation {
  operationId: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI path, e.g. `/v1/keys/{id}`. */
  path: string;
  /** itty-router path, e.g. `/v1/keys/:id`. */
  routerPath: string;
  auth: "none" | "standard" | "master" | "admin";
  /** The API shape errors are rendered in (`x-gatehouse-surface`, default gatehouse). */
  surface: "gatehouse" | "anthropic" | "openai";
  summary: string;
  /** The JSON request body schema, if the operation takes one. */
  body?: Record<string, unknown>;
  bodyRequired: boolean;
  query: { name: string; required: boolean; schema: Record<string, unknown> }[];
  pathParams: string[];
  /** True when a success response is `text/event-stream`. */
  streams: boolean;
  /** True when a success response is `text/html`: a page for people's browsers (the hosted connect page), not for the SDK. */
  page: boolean;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** A 2xx response of the operation has this media type (parameters such as `; charset` ignored). */
function successHas(responses: Record<string, { content?: Record<string, unknown> }>, mediaType: string): boolean {
  // A 303 with an HTML body is a page's answer too (the dashboard's form posts redirect).
  return Object.entries(responses).some(([code, r]) => (code.startsWith("2") || code === "303") && Object.keys(r.content ?? {}).some((t) => t.split(";")[0]?.trim() === mediaType));
}
const AUTH = new Set(["none", "standard", "master", "admin"]);

/** Lists operations in a stable order (path, then method), validating our extensions. */
export function readOperations(openapi: Record<string, unknown>): Operation[] {
  const paths = (openapi.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const ops: Operation[] = [];
  for (const path of Object.keys(paths).sort()) {
    const item = paths[path] ?? {};
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const operationId = op.operationId;
      if (typeof operationId !== "string") throw new Error(`${m.toUpperCase()} ${path} has no @operationId`);
      const auth = op["x-gatehouse-auth"];
      if (typeof auth !== "string" || !AUTH.has(auth)) {
        throw new Error(`${operationId}: add @extension("x-gatehouse-auth", "none" | "standard" | "master" | "admin")`);
      }
      const surface = op["x-gatehouse-surface"] ?? "gatehouse";
      if (surface !== "gatehouse" && surface !== "anthropic" && surface !== "openai") {
        throw new Error(`${operationId}: x-gatehouse-surface must be gatehouse, anthropic or openai`);
      }
      const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
      const requestBody = op.requestBody as { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> } | undefined;
      const responses = (op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
      ops.push({
        operationId,
        method: m.toUpperCase() as Operation["method"],
        path,
        routerPath: path.replaceAll(/\{([^}]+)\}/g, ":$1"),
        auth: auth as Operation["auth"],
        surface,
        summary: String(op.description ?? op.summary ?? operationId),
        ...(requestBody?.content?.["application/json"]?.schema ? { body: requestBody.content["application/json"].schema } : {}),
        bodyRequired: requestBody?.required ?? false,
        query: params.filter((p) => p.in === "query").map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema ?? {} })),
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        streams: successHas(responses, "text/event-stream"),
        page: successHas(responses, "text/html"),
      });
    }
  }
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.operationId)) throw new Error(`operationId ${op.operationId} is used twice`);
    seen.add(op.operationId);
  }
  return ops;
}
