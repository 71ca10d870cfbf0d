import openapiTS, { astToString } from "openapi-typescript";
import type { Operation } from "../load/operations";
import { newAjv, standaloneModule, standaloneTypes } from "./ajv-standalone";
import { tsHeader } from "./header";
import { boundIntegers } from "./integer-bounds";

/**
 * `generated/api/types.ts`: TypeScript types of every path, operation and component. Open
 * objects (`...Record<T>` in the spec, `unevaluatedProperties` in OpenAPI 3.1) would come out as
 * `Record<string, never>` — openapi-typescript reads only `additionalProperties` — so they are
 * renamed for typing (the validators keep the exact keyword).
 */
export async function emitApiTypes(openapi: Record<string, unknown>): Promise<string> {
  const typed = openForTyping(structuredClone(openapi)) as Parameters<typeof openapiTS>[0];
  const ast = await openapiTS(typed, { alphabetize: true, exportType: false, defaultNonNullable: false });
  return `${tsHeader()}${astToString(ast)}`;
}

function openForTyping(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openForTyping);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => {
      if (k !== "unevaluatedProperties") return [k, openForTyping(v)];
      // `{not: {}}` is TypeSpec's closed object: nothing more to type.
      const closed = v !== null && typeof v === "object" && "not" in v && Object.keys(v).length === 1;
      return ["additionalProperties", closed ? false : openForTyping(v)];
    }),
  );
}

export const bodyValidatorName = (op: Operation) => `body_${op.operationId}`;
export const queryValidatorName = (op: Operation) => `query_${op.operationId}`;

/**
 * Ajv-standalone validators for request bodies (strict JSON) and query strings (coerced).
 * Integers are bounded to what their format holds exactly (see boundIntegers).
 */
export function emitApiValidators(openapi: Record<string, unknown>, ops: Operation[]): Record<string, string> {
  const components = { $id: "gatehouse-api", components: boundIntegers((openapi.components ?? {}) as object) };
  const bodyAjv = newAjv();
  bodyAjv.addSchema(components);
  const bodyNames: Record<string, string> = {};
  for (const op of ops) {
    if (!op.body) continue;
    bodyAjv.addSchema(boundIntegers(rebase(op.body)), bodyValidatorName(op));
    bodyNames[bodyValidatorName(op)] = bodyValidatorName(op);
  }
  const queryAjv = newAjv({ coerceTypes: true, useDefaults: true });
  queryAjv.addSchema(components);
  const queryNames: Record<string, string> = {};
  for (const op of ops) {
    if (op.query.length === 0) continue;
    const schema = {
      type: "object",
      properties: Object.fromEntries(op.query.map((q) => [q.name, boundIntegers(rebase(q.schema))])),
      required: op.query.filter((q) => q.required).map((q) => q.name),
      additionalProperties: false,
    };
    queryAjv.addSchema(schema, queryValidatorName(op));
    queryNames[queryValidatorName(op)] = queryValidatorName(op);
  }
  return {
    "api/body-validators.js": standaloneModule(bodyAjv, bodyNames),
    "api/body-validators.d.ts": standaloneTypes(Object.keys(bodyNames)),
    "api/query-validators.js": standaloneModule(queryAjv, queryNames),
    "api/query-validators.d.ts": standaloneTypes(Object.keys(queryNames)),
  };
}

/** Points `#/components/...` refs at the components schema registered as `gatehouse-api`. */
function rebase<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(rebase) as T;
  if (schema && typeof schema === "object") {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) =>
        k === "$ref" && typeof v === "string" && v.startsWith("#/") ? [k, `gatehouse-api${v}`] : [k, rebase(v)],
      ),
    ) as T;
  }
  return schema;
}

/** `generated/api/routes.ts`: the route table and the `Handlers` interface. */
export function emitRoutes(ops: Operation[]): string {
  const rows = ops.map((op) =>
    [
      `  {`,
      `    operationId: ${JSON.stringify(op.operationId)},`,
      `    method: ${JSON.stringify(op.method)},`,
      `    path: ${JSON.stringify(op.routerPath)},`,
      `    auth: ${JSON.stringify(op.auth)},`,
      `    surface: ${JSON.stringify(op.surface)},`,
      `    body: ${op.body ? JSON.stringify(bodyValidatorName(op)) : "null"},`,
      `    bodyRequired: ${op.bodyRequired},`,
      `    query: ${op.query.length ? JSON.stringify(queryValidatorName(op)) : "null"},`,
      `    streams: ${op.streams},`,
      `  },`,
    ].join("\n"),
  );
  const members = ops.map(
    (op) => `  /** ${op.method} ${op.path} — ${op.summary.replaceAll("*/", "* /").split("\n")[0]} */\n  ${op.operationId}(input: Input<${JSON.stringify(op.operationId)}>, ctx: Ctx): Promise<Reply<${JSON.stringify(op.operationId)}>>;`,
  );
  return `${tsHeader()}import type { operations } from "./types";

export type OperationId = keyof operations;
export type AuthLevel = "none" | "standard" | "master" | "admin";

export interface RouteDef {
  readonly operationId: OperationId;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** itty-router pattern. */
  readonly path: string;
  readonly auth: AuthLevel;
  /** The API shape errors are rendered in. */
  readonly surface: "gatehouse" | "anthropic" | "openai";
  /** Export name in body-validators.js, or null when the operation takes no body. */
  readonly body: string | null;
  readonly bodyRequired: boolean;
  /** Export name in query-validators.js, or null when the operation takes no query. */
  readonly query: string | null;
  /** A success response is text/event-stream. */
  readonly streams: boolean;
}

export const routes: readonly RouteDef[] = [
${rows.join("\n")}
];

type Op<K extends OperationId> = operations[K];
type OrEmpty<T> = [T] extends [never] ? Record<string, never> : [T] extends [undefined] ? Record<string, never> : T;
export type PathParams<K extends OperationId> = OrEmpty<NonNullable<Op<K>["parameters"]["path"]>>;
export type QueryParams<K extends OperationId> = OrEmpty<NonNullable<Op<K>["parameters"]["query"]>>;
export type RequestBody<K extends OperationId> = Op<K> extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : Op<K> extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : undefined;
type Responses<K extends OperationId> = Op<K>["responses"];
type SuccessStatus<K extends OperationId> = Extract<keyof Responses<K>, 200 | 201 | 202 | 204>;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** What a handler returns: a typed JSON reply for one of the operation's success statuses, or a raw Response (streams). */
export type Reply<K extends OperationId> =
  | { [S in SuccessStatus<K>]: { status: S; body: JsonOf<Responses<K>[S]>; headers?: Record<string, string> } }[SuccessStatus<K>]
  | Response;

/** A handler's validated input. */
export interface Input<K extends OperationId> {
  params: PathParams<K>;
  query: QueryParams<K>;
  body: RequestBody<K>;
}

/** One member per operationId: the runtime must implement every one. */
export interface Handlers<Ctx> {
${members.join("\n")}
}
`;
}
