import { readFile } from "node:fs/promises";
import type { DeclaredOperation } from "../load/compile-spec";
import type { Operation } from "../load/operations";
import { isListOperation, paginationRules, type PaginationRule } from "./client-pagination";
import { resourceNames, type ResourceName } from "./client-resources";
import { tsHeader } from "./header";

/**
 * The stream class of each streaming operation (client-streams.ts, client-thread-stream.ts):
 * what its events are. OpenAPI cannot describe an SSE body's events, so this is the one place
 * that says which kind an operation streams; every streaming operation must be named here.
 */
const STREAM_CLASSES: Record<string, "MessageStream" | "ChatCompletionStream" | "ResponseStream" | "ThreadTurnStream"> = {
  createMessage: "MessageStream",
  createChatCompletion: "ChatCompletionStream",
  createResponse: "ResponseStream",
  createThreadMessage: "ThreadTurnStream",
};

/** Hand-written templates copied into `generated/client/`, by output name. */
const TEMPLATES = { "runtime.ts": "client-runtime.ts", "streams.ts": "client-streams.ts", "thread-stream.ts": "client-thread-stream.ts" };

/** Template imports (resolvable in codegen/templates/, so tsc checks the templates) → their names beside the generated copy. */
const IMPORTS: Record<string, string> = {
  '"./client-runtime"': '"./runtime"',
  '"./client-streams"': '"./streams"',
  '"./sse-parser"': '"./sse"',
  '"../../generated/api/types"': '"../api/types"',
};

/** Names the generated client's own members take: a resource or root method may not reuse them. */
const RESERVED = new Set(["request", "requestPage", "requestStream", "paginate", "constructor"]);

/**
 * `generated/client/`: a typed class over a generic core (runtime.ts, streams.ts). Resource-grouped
 * methods as in the official SDKs (`gh.keys.create(body)`, `gh.threads.messages.list(id)`,
 * `gh.messages.stream(body)`; names from spec/, see client-resources.ts) and, as aliases, one
 * method per operationId (`gh.createKey({ body })`) with a `…Stream` method per streaming
 * operation and an `…AutoPaging` method per paginated list (see client-pagination.ts).
 */
export async function emitClient(allOps: Operation[], openapi: Record<string, unknown>, declared: ReadonlyMap<string, DeclaredOperation>): Promise<Record<string, string>> {
  // HTML pages (the hosted connect page) are for the end user's browser; the SDK has no method for them.
  const ops = allOps.filter((op) => !op.page);
  const pageOps = allOps.filter((op) => op.page).map((op) => op.operationId);
  const pages = paginationRules(openapi, ops);
  for (const op of ops) {
    if (op.streams && !STREAM_CLASSES[op.operationId]) throw new Error(`${op.operationId} streams: name its stream class in STREAM_CLASSES (codegen/emit/client.ts)`);
  }
  for (const id of Object.keys(STREAM_CLASSES)) {
    if (!ops.some((op) => op.operationId === id && op.streams)) throw new Error(`STREAM_CLASSES (codegen/emit/client.ts) names ${id}, which is not a streaming operation`);
  }
  const names = resourceNames(ops, declared);
  const lists = new Set(ops.filter((op) => isListOperation(openapi, op)).map((op) => op.operationId));
  const routes = ops.map((op) => `  ${op.operationId}: { method: ${JSON.stringify(op.method)}, path: ${JSON.stringify(op.path)} },`);
  const rules = [...pages].map(([id, rule]) => `  ${id}: ${JSON.stringify(rule)},`);
  const aliases = ops.map((op) => aliasMethods(op, pages.get(op.operationId), lists.has(op.operationId)));
  const tree = resourceTree(ops, names);
  const aliasNames = new Set(ops.flatMap((op) => [op.operationId, `${op.operationId}Stream`, `${op.operationId}AutoPaging`]));
  for (const name of [...tree.children.keys(), ...tree.methods.flatMap((m) => resourceMethodNames(m.op, m.name))]) {
    if (RESERVED.has(name) || aliasNames.has(name)) throw new Error(`the SDK's top-level name "${name}" (from spec/) clashes with a client member; rename the interface or operation`);
  }
  const classes: string[] = [];
  const rootFields = resourceFields(tree, [], classes, lists, pages);
  const rootMethods = tree.methods.map((m) => resourceMethods(m.op, m.name, lists.has(m.op.operationId), pages.has(m.op.operationId), "this"));

  const files: Record<string, string> = {};
  for (const [out, template] of Object.entries(TEMPLATES)) {
    let text = await readFile(new URL(`../templates/${template}`, import.meta.url), "utf8");
    for (const [from, to] of Object.entries(IMPORTS)) text = text.replaceAll(` from ${from};`, ` from ${to};`);
    files[`client/${out}`] = tsHeader() + text;
  }
  files["client/index.ts"] = `${tsHeader()}import type { operations } from "../api/types";
import { isQlaudStreamEventName, type QlaudStreamEvent } from "../api/stream-events";
import { APIPromise, BaseClient, withStream, type Args, type BodyOf, type ClientOptions, type NonStreaming, type NonStreamingArgs, type PageItem, type PagePromise, type PaginationRule, type PathOf, type QueryOf, type RequestOptions, type Result, type Streaming } from "./runtime";
import { ChatCompletionStream, MessageStream, ResponseStream } from "./streams";
import { ThreadTurnStream } from "./thread-stream";

export * from "./runtime";
export * from "./streams";
export * from "./thread-stream";
export type { components, operations, paths } from "../api/types";
export * from "../api/stream-events";

const ROUTES = {
${routes.join("\n")}
} as const;

/** How each paginated list follows its pages, derived from the spec at gen time. */
const PAGINATION: Record<string, PaginationRule> = {
${rules.join("\n")}
};

/** The operations the client calls: all but HTML pages. */
type ClientOperations = ${pageOps.length === 0 ? "operations" : `Omit<operations, ${pageOps.map((id) => JSON.stringify(id)).join(" | ")}>`};

/**
 * The Gatehouse API client: \`new Gatehouse({ baseURL, apiKey })\`. Resource-grouped methods
 * (\`gh.keys.create(body)\`, \`gh.messages.stream(body)\`, \`for await (const t of gh.threads.list())\`)
 * and, as aliases, one method per operationId (\`gh.createKey({ body })\`).
 */
export class Gatehouse extends BaseClient<ClientOperations> {
${rootFields.fields.join("\n")}

  constructor(options: ClientOptions) {
    super(options, ROUTES);
${rootFields.inits.map((l) => `    ${l}`).join("\n")}
  }
${rootMethods.length ? `\n${rootMethods.join("\n\n")}\n` : ""}
${aliases.join("\n\n")}
}

${classes.join("\n\n")}
`;
  return files;
}

interface Tree {
  children: Map<string, Tree>;
  methods: { name: string; op: Operation }[];
}

function resourceTree(ops: Operation[], names: Map<string, ResourceName>): Tree {
  const root: Tree = { children: new Map(), methods: [] };
  for (const op of ops) {
    const n = names.get(op.operationId)!;
    let node = root;
    for (const seg of n.resource) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { children: new Map(), methods: [] }));
      node = next;
    }
    node.methods.push({ name: n.method, op });
  }
  return root;
}

const pascal = (s: string) => s.replace(/^./, (c) => c.toUpperCase());
const camel = (s: string) => s.replace(/[-_]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The fields (and their initialisers) of a resource's sub-resources; their classes are appended to `classes`. */
function resourceFields(node: Tree, path: string[], classes: string[], lists: Set<string>, pages: Map<string, PaginationRule>): { fields: string[]; inits: string[] } {
  const fields: string[] = [];
  const inits: string[] = [];
  for (const [seg, child] of node.children) {
    const cls = `${[...path, seg].map(pascal).join("")}Resource`;
    fields.push(`  /** \`${[...path, seg].join(".")}\` */\n  readonly ${seg}: ${cls};`);
    inits.push(`this.${seg} = new ${cls}(${path.length === 0 ? "this" : "client"});`);
    const sub = resourceFields(child, [...path, seg], classes, lists, pages);
    const taken = new Set(child.children.keys());
    const methods = child.methods.map((m) => {
      for (const name of resourceMethodNames(m.op, m.name)) {
        if (taken.has(name)) throw new Error(`${[...path, seg, name].join(".")} is both a method and a resource; rename an operation in spec/`);
        taken.add(name);
      }
      return resourceMethods(m.op, m.name, lists.has(m.op.operationId), pages.has(m.op.operationId), "this.client");
    });
    classes.push(`/** \`gh.${[...path, seg].join(".")}\` */
export class ${cls} {
${sub.fields.join("\n")}${sub.fields.length ? "\n\n" : ""}  constructor(private readonly client: Gatehouse) {${sub.inits.length ? `\n${sub.inits.map((l) => `    ${l}`).join("\n")}\n  ` : ""}}
${methods.length ? `\n${methods.join("\n\n")}\n` : ""}}`);
  }
  return { fields, inits };
}

/** The member names one resource method adds: the method, and `stream` (or `<method>Stream`) for a streaming one. */
function resourceMethodNames(op: Operation, name: string): string[] {
  return op.streams ? [name, streamMethodName(name)] : [name];
}

const streamMethodName = (name: string) => (name === "create" ? "stream" : `${name}Stream`);

/**
 * A resource method: path parameters first (positional), then the body (or, for an operation
 * without a body, the query), then RequestOptions. A streaming operation gets `create`
 * overloads (`stream: true` answers an APIPromise of the stream) and a `stream` method.
 */
function resourceMethods(op: Operation, name: string, isList: boolean, paginated: boolean, client: string): string {
  const id = JSON.stringify(op.operationId);
  const O = `operations[${id}]`;
  const route = `\`${op.method} ${op.path}\``;
  const pathArgs = op.pathParams.map((p) => ({ name: camel(p) === "options" || camel(p) === "params" ? `${camel(p)}Param` : camel(p), param: p }));
  const pathSig = pathArgs.map((p) => `${p.name}: PathOf<${O}>[${JSON.stringify(p.param)}]`);
  const pathObj = pathArgs.length ? `path: { ${pathArgs.map((p) => (p.name === p.param ? p.name : `${JSON.stringify(p.param)}: ${p.name}`)).join(", ")} }` : "";
  const queryRequired = op.query.some((q) => q.required);
  let paramSig: string | undefined;
  let paramObj = "";
  if (op.body && op.query.length > 0) {
    throw new Error(`${op.operationId} takes both a body and query parameters; the SDK's resource methods take one or the other (resourceMethods in codegen/emit/client.ts): move the query parameters into the body`);
  }
  if (op.body) {
    paramSig = `body${op.bodyRequired ? "" : "?"}: BodyOf<${O}>`;
    paramObj = "body";
  } else if (op.query.length > 0) {
    paramSig = `query${queryRequired ? "" : "?"}: QueryOf<${O}>`;
    paramObj = "query";
  }
  const parts = [pathObj, paramObj].filter(Boolean);
  const args = parts.length ? `{ ${parts.join(", ")} }` : "{}";
  const sig = (param: string | undefined) => [...pathSig, ...(param ? [param] : []), "options?: RequestOptions"].join(", ");
  const d = doc(`${op.summary} (${route}; alias \`${op.operationId}\`)`);
  if (op.streams) {
    const S = STREAM_CLASSES[op.operationId]!;
    const streamType = S === "ThreadTurnStream" ? "ThreadTurnStream<QlaudStreamEvent>" : S;
    const open = `(signal) => ${client}.requestStream(${id}, withStream(${args}), { ...options, signal })`;
    const make = S === "ThreadTurnStream" ? `new ThreadTurnStream<QlaudStreamEvent>(${open}, isQlaudStreamEventName, options?.signal)` : `new ${S}(${open}, options?.signal)`;
    const B = `BodyOf<${O}>`;
    const body = (t: string) => `body${op.bodyRequired ? "" : "?"}: ${t}`;
    return `${d}
  ${name}(${sig(body(`NonStreaming<${B}>`))}): APIPromise<Result<${O}>>;
  ${name}(${sig(body(`Streaming<${B}>`))}): APIPromise<${streamType}>;
  ${name}(${sig(body(B))}): APIPromise<Result<${O}>> | APIPromise<${streamType}>;
  ${name}(${sig(body(B))}): APIPromise<Result<${O}>> | APIPromise<${streamType}> {
    if ((body as { stream?: unknown } | undefined)?.stream === true) {
      const stream = ${make};
      return new APIPromise<${streamType}>(stream.response().then((response) => ({ response, data: stream })));
    }
    return ${client}.request(${id}, ${args}, options);
  }

${doc(`${op.operationId}, streamed (${route} with \`stream: true\`): a typed ${S}; leaving its loop early aborts the request.`)}
  ${streamMethodName(name)}(${sig(body(B))}): ${streamType} {
    return ${make};
  }`;
  }
  if (isList) {
    return `${d}
  ${name}(${sig(paramSig)}): PagePromise<Result<${O}>, PageItem<${O}>> {
    return ${client}.requestPage(${id}, ${args}, ${paginated ? `PAGINATION[${id}]` : "undefined"}, options);
  }`;
  }
  return `${d}
  ${name}(${sig(paramSig)}): APIPromise<Result<${O}>> {
    return ${client}.request(${id}, ${args}, options);
  }`;
}

/** The operationId-named methods, kept as aliases of the resource methods. */
function aliasMethods(op: Operation, page: PaginationRule | undefined, isList: boolean): string {
  const id = JSON.stringify(op.operationId);
  const O = `operations[${id}]`;
  const needsArgs = op.pathParams.length > 0 || (op.body !== undefined && op.bodyRequired) || op.query.some((q) => q.required);
  const args = `args${needsArgs ? "" : "?"}: Args<${O}>`;
  const route = `\`${op.method} ${op.path}\``;
  const out: string[] = [];
  if (op.streams) {
    // The plain method does not take `stream: true` (its answer would be a stream, not JSON): use the …Stream method.
    out.push(`${doc(`${op.summary} (${route})`)}\n  ${op.operationId}(args${needsArgs ? "" : "?"}: NonStreamingArgs<${O}>, options?: RequestOptions): APIPromise<Result<${O}>> {\n    return this.request(${id}, args, options);\n  }`);
    const S = STREAM_CLASSES[op.operationId]!;
    const open = `(signal) => this.requestStream(${id}, withStream(args), { ...options, signal })`;
    const d = doc(`${op.operationId}, streamed (${route} with \`stream: true\`): a typed ${S}; leaving its loop early aborts the request.`);
    const ret = S === "ThreadTurnStream" ? "ThreadTurnStream<QlaudStreamEvent>" : S;
    const make = S === "ThreadTurnStream" ? `new ThreadTurnStream<QlaudStreamEvent>(${open}, isQlaudStreamEventName, options?.signal)` : `new ${S}(${open}, options?.signal)`;
    out.push(`${d}\n  ${op.operationId}Stream(${args}, options?: RequestOptions): ${ret} {\n    return ${make};\n  }`);
  } else if (isList) {
    out.push(`${doc(`${op.summary} (${route})`)}\n  ${op.operationId}(${args}, options?: RequestOptions): PagePromise<Result<${O}>, PageItem<${O}>> {\n    return this.requestPage(${id}, args, ${page ? `PAGINATION[${id}]` : "undefined"}, options);\n  }`);
  } else {
    out.push(`${doc(`${op.summary} (${route})`)}\n  ${op.operationId}(${args}, options?: RequestOptions): APIPromise<Result<${O}>> {\n    return this.request(${id}, args, options);\n  }`);
  }
  if (page) {
    const how = Object.entries(page.cursors)
      .map(([order, c]) => `${order ? `${page.order?.param}=${order}${order === page.order?.default ? " (default)" : ""}: ` : ""}\`${c.next}\` → \`${c.param}\``)
      .join("; ");
    const d = doc(`Every item of ${op.operationId}, page after page (${how}) until \`has_more\` is false; throws PaginationLoopError rather than request a cursor twice. (The same as \`for await\` over ${op.operationId}().)`);
    out.push(`${d}\n  ${op.operationId}AutoPaging(${args}, options?: RequestOptions): AsyncGenerator<PageItem<${O}>> {\n    return this.paginate(${id}, args, PAGINATION[${id}]!, options);\n  }`);
  }
  return out.join("\n\n");
}

/** A JSDoc block (two-space indent) from the spec's description, every line kept. */
function doc(text: string): string {
  const lines = text.replaceAll("*/", "* /").split("\n");
  return lines.length === 1 ? `  /** ${lines[0]} */` : `  /**\n${lines.map((l) => (l ? `   * ${l}` : "   *")).join("\n")}\n   */`;
}
