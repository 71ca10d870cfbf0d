import type { Operation } from "../load/operations";

/** How the SDK walks a list operation's pages (the runtime's `PaginationRule`, as data). */
export interface PaginationRule {
  /** The cursor to follow by the value of the order parameter; `""` when there is one cursor whatever the order. */
  cursors: Record<string, { param: string; next: string }>;
  order?: { param: string; default: string };
}

/**
 * Lists whose pages carry two cursors (one per direction): which one follows which `order`.
 * The spec states the default order only in prose, so it is named here; every name is checked
 * against the OpenAPI document below.
 */
const ORDERED: Record<string, { param: string; default: string; cursorFor: Record<string, string> }> = {
  listThreadMessages: { param: "order", default: "desc", cursorFor: { asc: "after_seq", desc: "before_seq" } },
  listLedger: { param: "order", default: "asc", cursorFor: { asc: "after", desc: "before" } },
};

type Schema = Record<string, unknown>;

/**
 * The paginated operations, derived from the OpenAPI document: a GET whose 200 JSON body has
 * `data` (array), `has_more` (boolean) and `next_<p>` for a query parameter `<p>` pages by
 * passing `next_<p>` back as `<p>`. Throws when a page has `has_more` but no such cursor, or
 * when ORDERED names a parameter, cursor or order value the document lacks.
 */
export function paginationRules(openapi: Schema, ops: Operation[]): Map<string, PaginationRule> {
  const rules = new Map<string, PaginationRule>();
  for (const op of ops) {
    const page = op.method === "GET" ? successSchema(openapi, op) : undefined;
    const props = (page?.properties ?? {}) as Record<string, Schema>;
    if (!props.has_more) continue;
    const where = `${op.operationId} (${op.method} ${op.path})`;
    if (props.has_more.type !== "boolean" || resolve(openapi, props.data ?? {}).type !== "array") {
      throw new Error(`${where}: a page with has_more needs has_more: boolean and data: array`);
    }
    const pairs = op.query.filter((q) => props[`next_${q.name}`] !== undefined).map((q) => ({ param: q.name, next: `next_${q.name}` }));
    if (pairs.length === 0) throw new Error(`${where}: has has_more but no next_<p> field for a query parameter <p>, so the SDK cannot follow its pages`);
    const ordered = ORDERED[op.operationId];
    if (pairs.length === 1 && !ordered) {
      rules.set(op.operationId, { cursors: { "": pairs[0]! } });
      continue;
    }
    if (!ordered) throw new Error(`${where}: several cursors (${pairs.map((p) => p.param).join(", ")}); say which follows which order in ORDERED (codegen/emit/client-pagination.ts)`);
    const orderParam = op.query.find((q) => q.name === ordered.param);
    const values = orderParam ? (resolve(openapi, orderParam.schema).enum as unknown[] | undefined) : undefined;
    if (!values) throw new Error(`${where}: ORDERED names the order parameter "${ordered.param}", which is not an enum query parameter`);
    const cursors: PaginationRule["cursors"] = {};
    for (const value of values) {
      const param = ordered.cursorFor[String(value)];
      const pair = pairs.find((p) => p.param === param);
      if (!pair) throw new Error(`${where}: ORDERED has no cursor among ${pairs.map((p) => p.param).join(", ")} for ${ordered.param}=${String(value)}`);
      cursors[String(value)] = pair;
    }
    if (!(ordered.default in cursors)) throw new Error(`${where}: ORDERED's default order "${ordered.default}" is not one of ${values.join(", ")}`);
    rules.set(op.operationId, { cursors, order: { param: ordered.param, default: ordered.default } });
  }
  for (const id of Object.keys(ORDERED)) {
    if (!rules.has(id)) throw new Error(`ORDERED (codegen/emit/client-pagination.ts) names ${id}, which is not a paginated list operation`);
  }
  return rules;
}

/** A list: a GET whose 200 JSON body has a `data` array (iterating its PagePromise yields the items). */
export function isListOperation(openapi: Schema, op: Operation): boolean {
  if (op.method !== "GET") return false;
  const props = (successSchema(openapi, op)?.properties ?? {}) as Record<string, Schema>;
  return props.data !== undefined && resolve(openapi, props.data).type === "array";
}

function successSchema(openapi: Schema, op: Operation): Schema | undefined {
  const paths = openapi.paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  const schema = paths[op.path]?.[op.method.toLowerCase()]?.responses?.["200"]?.content?.["application/json"]?.schema;
  return schema ? resolve(openapi, schema) : undefined;
}

function resolve(openapi: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const name = ref.replace(/^#\/components\/schemas\//, "");
  const target = ((openapi.components as { schemas?: Record<string, Schema> } | undefined)?.schemas ?? {})[name];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return resolve(openapi, target);
}
