// The hand-written core of the generated client: one generic request function, typed
// errors per status, page walking and an SSE reader. Codegen copies this file into generated/client/.

/** The part of an openapi-typescript operation the client reads. */
export interface OperationShape {
  parameters: { query?: unknown; path?: unknown };
  requestBody?: unknown;
  responses: unknown;
}

type OrNever<T> = [T] extends [undefined] ? never : T;
type PathOf<O extends OperationShape> = OrNever<NonNullable<O["parameters"]["path"]>>;
type QueryOf<O extends OperationShape> = OrNever<NonNullable<O["parameters"]["query"]>>;
type BodyOf<O extends OperationShape> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

/** Arguments of an operation: `{ path?, query?, body? }`, each present only when the operation has it (and required when it is). */
export type Args<O extends OperationShape> = ([PathOf<O>] extends [never] ? unknown : { path: PathOf<O> }) &
  ([QueryOf<O>] extends [never] ? unknown : {} extends QueryOf<O> ? { query?: QueryOf<O> } : { query: QueryOf<O> }) &
  ([BodyOf<O>] extends [never] ? unknown : O extends { requestBody: unknown } ? { body: BodyOf<O> } : { body?: BodyOf<O> });

type SuccessOf<R> = R extends Record<infer S, unknown> ? Extract<S, 200 | 201 | 202 | 204> : never;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The JSON body of the operation's success response(s). */
export type Result<O extends OperationShape> = O["responses"] extends infer R
  ? R extends Record<PropertyKey, unknown>
    ? JsonOf<R[SuccessOf<R>]>
    : never
  : never;

/** One item of a list operation's page (`data[number]`). */
export type PageItem<O extends OperationShape> = Result<O> extends { data: readonly (infer I)[] } ? I : never;

/** How to follow a list's pages (generated from the spec: `next_<p>` is passed back as `<p>`). */
export interface PaginationRule {
  /** The cursor by the value of the order parameter; `""` when one cursor serves every order. */
  readonly cursors: Readonly<Record<string, { readonly param: string; readonly next: string }>>;
  readonly order?: { readonly param: string; readonly default: string };
}

/** The server handed back a cursor the walk had already requested: following it would loop forever. */
export class PaginationLoopError extends Error {
  constructor(
    readonly operation: string,
    readonly param: string,
    readonly cursor: unknown,
  ) {
    super(`Gatehouse: ${operation} returned ${param}=${String(cursor)} again; stopping instead of requesting the same page twice`);
    this.name = new.target.name;
  }
}

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8787` (no trailing `/v1`). */
  baseURL: string;
  apiKey?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Any non-2xx answer. `type` and `message` come from the error envelope. */
export class GatehouseError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | undefined,
    readonly requestId: string | undefined,
    readonly body: unknown,
  ) {
    super(`${status} ${type}: ${message}`);
    this.name = new.target.name;
  }
}
export class BadRequestError extends GatehouseError {}
export class AuthenticationError extends GatehouseError {}
export class PaymentRequiredError extends GatehouseError {}
export class PermissionDeniedError extends GatehouseError {}
export class NotFoundError extends GatehouseError {}
export class ConflictError extends GatehouseError {}
export class PayloadTooLargeError extends GatehouseError {}
export class RateLimitError extends GatehouseError {}
export class InternalServerError extends GatehouseError {}

const ERROR_CLASSES: Record<number, typeof GatehouseError> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  429: RateLimitError,
};

export interface OperationRoute {
  method: string;
  path: string;
}

/** Base of the generated client: every method calls `call` with its operationId. */
export class BaseClient<Ops extends { [K in keyof Ops]: OperationShape }> {
  readonly #opts: ClientOptions;
  readonly #routes: Record<keyof Ops, OperationRoute>;

  constructor(options: ClientOptions, routes: Record<keyof Ops, OperationRoute>) {
    if (!options.baseURL) throw new TypeError("Gatehouse: baseURL is required, e.g. http://127.0.0.1:8787");
    this.#opts = options;
    this.#routes = routes;
  }

  protected async call<K extends keyof Ops>(op: K, args: unknown, options?: RequestOptions): Promise<Result<Ops[K]>> {
    const res = await this.send(op, args, options);
    return (await res.json()) as Result<Ops[K]>;
  }

  /**
   * Yields every item of a list, page after page: passes the page's cursor field back as the
   * cursor parameter until `has_more` is false or a page is empty. Throws PaginationLoopError
   * rather than request a cursor twice.
   */
  protected async *paginate<K extends keyof Ops>(op: K, args: unknown, rule: PaginationRule, options?: RequestOptions): AsyncGenerator<PageItem<Ops[K]>> {
    const a = (args ?? {}) as { query?: Record<string, unknown> };
    const query = { ...a.query };
    const order = rule.order ? String(query[rule.order.param] ?? rule.order.default) : "";
    const cursor = rule.cursors[order];
    if (!cursor) throw new TypeError(`Gatehouse: ${String(op)} cannot page with ${rule.order?.param}=${order}; use one of ${Object.keys(rule.cursors).join(", ")}`);
    const seen = new Set<string>();
    if (query[cursor.param] !== undefined) seen.add(String(query[cursor.param]));
    for (;;) {
      const page = (await this.call(op, { ...a, query }, options)) as { data: PageItem<Ops[K]>[]; has_more: boolean } & Record<string, unknown>;
      yield* page.data;
      const next = page[cursor.next];
      if (!page.has_more || page.data.length === 0 || next === null || next === undefined) return;
      if (seen.has(String(next))) throw new PaginationLoopError(String(op), cursor.param, next);
      seen.add(String(next));
      query[cursor.param] = next;
    }
  }

  /** Calls a streaming operation and yields its server-sent events. */
  protected async *callStream<K extends keyof Ops, E = ServerSentEvent>(
    op: K,
    args: unknown,
    options?: RequestOptions,
  ): AsyncGenerator<E> {
    const res = await this.send(op, args, options);
    if (!res.body) return;
    for await (const ev of readServerSentEvents(res.body)) yield ev as E;
  }

  protected async send(op: keyof Ops, args: unknown, options?: RequestOptions): Promise<Response> {
    const route = this.#routes[op];
    const a = (args ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const path = route.path.replaceAll(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = a.path?.[name];
      if (v === undefined || v === null || v === "") throw new TypeError(`Gatehouse: path parameter "${name}" is required`);
      return encodeURIComponent(String(v));
    });
    const url = new URL(this.#opts.baseURL.replace(/\/+$/, "") + path);
    for (const [k, v] of Object.entries(a.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", ...this.#opts.headers, ...options?.headers };
    if (this.#opts.apiKey) headers["x-api-key"] = this.#opts.apiKey;
    const init: RequestInit = { method: route.method, headers, signal: options?.signal ?? null };
    if (a.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(a.body);
    }
    const res = await (this.#opts.fetch ?? fetch)(url.toString(), init);
    if (!res.ok) throw await toError(res);
    return res;
  }
}

async function toError(res: Response): Promise<GatehouseError> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const err = (body as { error?: { type?: string; message?: string; param?: string } } | null)?.error;
  const Cls = ERROR_CLASSES[res.status] ?? (res.status >= 500 ? InternalServerError : GatehouseError);
  return new Cls(res.status, err?.type ?? "api_error", err?.message ?? text.slice(0, 200), err?.param, res.headers.get("x-qlaud-request-id") ?? undefined, body);
}

/** The same arguments with `body.stream` set, for the `…Stream` methods. */
export function withStream<A>(args: A): A {
  const a = (args ?? {}) as { body?: Record<string, unknown> };
  return { ...a, body: { ...a.body, stream: true } } as A;
}

/** One server-sent event. `data` is parsed JSON when it parses, else the raw text. */
export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** Reads an SSE body incrementally: comments, multi-line data, CRLF, `[DONE]` ends the stream. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A CR that ends the chunk may be half of a CRLF: wait for the next chunk.
        if (!done && nl === buffer.length - 1 && buffer[nl] === "\r") break;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer[nl] === "\r" && buffer[nl + 1] === "\n" ? 2 : 1));
        if (line === "") {
          if (data.length > 0) {
            const text = data.join("\n");
            if (text === "[DONE]") return;
            yield { event: event || "message", data: parseJson(text) };
          }
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (done) break;
    }
  } finally {
    reader.releaseLock();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
