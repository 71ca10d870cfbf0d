import { readFile } from "node:fs/promises";
import type { Operation } from "../load/operations";
import { paginationRules, type PaginationRule } from "./client-pagination";
import { tsHeader } from "./header";

/** Streaming operations whose events are a thread turn's (Anthropic events plus `qlaud.*`): typed, with `finalTurn()`. */
const THREAD_TURN_STREAMS = new Set(["createThreadMessage"]);

/** Hand-written templates copied into `generated/client/`, by output name. */
const TEMPLATES = { "runtime.ts": "client-runtime.ts", "thread-stream.ts": "client-thread-stream.ts" };

/**
 * `generated/client/`: a thin typed class over a generic core: one one-line method per
 * operation (but HTML pages), a `…Stream` method per streaming operation and an `…AutoPaging` method per
 * paginated list (see client-pagination.ts).
 */
export async function emitClient(allOps: Operation[], openapi: Record<string, unknown>): Promise<Record<string, string>> {
  // HTML pages (the hosted connect page) are for the end user's browser; the SDK has no method for them.
  const ops = allOps.filter((op) => !op.page);
  const pageOps = allOps.filter((op) => op.page).map((op) => op.operationId);
  const pages = paginationRules(openapi, ops);
  for (const id of THREAD_TURN_STREAMS) {
    if (!ops.some((op) => op.operationId === id && op.streams)) throw new Error(`THREAD_TURN_STREAMS (codegen/emit/client.ts) names ${id}, which is not a streaming operation`);
  }
  const routes = ops.map((op) => `  ${op.operationId}: { method: ${JSON.stringify(op.method)}, path: ${JSON.stringify(op.path)} },`);
  const rules = [...pages].map(([id, rule]) => `  ${id}: ${JSON.stringify(rule)},`);
  const methods = ops.map((op) => methodsOf(op, pages.get(op.operationId)));
  const files: Record<string, string> = {};
  for (const [out, template] of Object.entries(TEMPLATES)) {
    files[`client/${out}`] = tsHeader() + (await readFile(new URL(`../templates/${template}`, import.meta.url), "utf8"));
  }
  files["client/index.ts"] = `${tsHeader()}import type { operations } from "../api/types";
import { isQlaudStreamEventName, type QlaudStreamEvent } from "../api/stream-events";
import { BaseClient, withStream, type Args, type ClientOptions, type PageItem, type PaginationRule, type RequestOptions, type Result, type ServerSentEvent } from "./runtime";
import { ThreadTurnStream } from "./thread-stream";

export * from "./runtime";
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

/** The Gatehouse API client: \`new Gatehouse({ baseURL, apiKey })\`. */
export class Gatehouse extends BaseClient<ClientOperations> {
  constructor(options: ClientOptions) {
    super(options, ROUTES);
  }

${methods.join("\n\n")}
}
`;
  return files;
}

function methodsOf(op: Operation, page: PaginationRule | undefined): string {
  const id = JSON.stringify(op.operationId);
  const O = `operations[${id}]`;
  const needsArgs = op.pathParams.length > 0 || (op.body !== undefined && op.bodyRequired) || op.query.some((q) => q.required);
  const args = `args${needsArgs ? "" : "?"}: Args<${O}>`;
  const route = `\`${op.method} ${op.path}\``;
  const out = [`${doc(`${op.summary} (${route})`)}\n  ${op.operationId}(${args}, options?: RequestOptions): Promise<Result<${O}>> {\n    return this.call(${id}, args, options);\n  }`];
  if (op.streams && THREAD_TURN_STREAMS.has(op.operationId)) {
    const d = doc(`${op.operationId}, streamed (${route} with \`stream: true\`): yields the turn's events typed by \`event\` (Anthropic's and \`qlaud.*\`), throws ThreadStreamError on \`error\`/\`qlaud.error\`; \`.finalTurn()\` returns the \`qlaud.done\` data and the text.`);
    out.push(`${d}\n  ${op.operationId}Stream(${args}, options?: RequestOptions): ThreadTurnStream<QlaudStreamEvent> {\n    return new ThreadTurnStream(this.callStream(${id}, withStream(args), options), isQlaudStreamEventName);\n  }`);
  } else if (op.streams) {
    // Operations that can stream get a second method that asks for the stream and yields its events.
    const d = doc(`${op.operationId}, streamed: yields each server-sent event (${route} with \`stream: true\`)`);
    out.push(`${d}\n  ${op.operationId}Stream(${args}, options?: RequestOptions): AsyncGenerator<ServerSentEvent> {\n    return this.callStream(${id}, withStream(args), options);\n  }`);
  }
  if (page) {
    const how = Object.entries(page.cursors)
      .map(([order, c]) => `${order ? `${page.order?.param}=${order}${order === page.order?.default ? " (default)" : ""}: ` : ""}\`${c.next}\` → \`${c.param}\``)
      .join("; ");
    const d = doc(`Every item of ${op.operationId}, page after page (${how}) until \`has_more\` is false; throws PaginationLoopError rather than request a cursor twice.`);
    out.push(`${d}\n  ${op.operationId}AutoPaging(${args}, options?: RequestOptions): AsyncGenerator<PageItem<${O}>> {\n    return this.paginate(${id}, args, PAGINATION[${id}]!, options);\n  }`);
  }
  return out.join("\n\n");
}

/** A JSDoc block (two-space indent) from the spec's description, every line kept. */
function doc(text: string): string {
  const lines = text.replaceAll("*/", "* /").split("\n");
  return lines.length === 1 ? `  /** ${lines[0]} */` : `  /**\n${lines.map((l) => (l ? `   * ${l}` : "   *")).join("\n")}\n   */`;
}
