// The hand-written core of the generated client: one request function with retries (backoff
// and jitter, Retry-After honoured), timeouts and abort; typed errors per status and for
// connection failures; `APIPromise` (`.withResponse()` for headers) and `PagePromise` (await a
// page, or `for await` every item across pages). Codegen copies this file into generated/client/.

/** The part of an openapi-typescript operation the client reads. */
export interface OperationShape {
  parameters: { query?: unknown; path?: unknown };
  requestBody?: unknown;
  responses: unknown;
}

type OrNever<T> = [T] extends [undefined] ? never : T;
/** An operation's path parameters (`never` when it has none). */
export type PathOf<O extends OperationShape> = OrNever<NonNullable<O["parameters"]["path"]>>;
/** An operation's query parameters (`never` when it has none). */
export type QueryOf<O extends OperationShape> = OrNever<NonNullable<O["parameters"]["query"]>>;
/** An operation's JSON body (`never` when it takes none). */
export type BodyOf<O extends OperationShape> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

/** Arguments of an operation: `{ path?, query?, body? }`, each present only when the operation has it (and required when it is). */
export type Args<O extends OperationShape> = ([PathOf<O>] extends [never] ? unknown : { path: PathOf<O> }) &
  ([QueryOf<O>] extends [never] ? unknown : {} extends QueryOf<O> ? { query?: QueryOf<O> } : { query: QueryOf<O> }) &
  ([BodyOf<O>] extends [never] ? unknown : O extends { requestBody: unknown } ? { body: BodyOf<O> } : { body?: BodyOf<O> });

/** A body that does not ask for a stream (`stream` absent or false): what the non-streaming methods take. */
export type NonStreaming<B> = B & { stream?: false | null };
/** A body that asks for a stream. */
export type Streaming<B> = B & { stream: true };
/** `Args` whose body does not ask for a stream. */
export type NonStreamingArgs<O extends OperationShape> = Omit<Args<O>, "body"> &
  (O extends { requestBody: unknown } ? { body: NonStreaming<BodyOf<O>> } : { body?: NonStreaming<BodyOf<O>> });

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
  /** How many times a request is retried after a 408, 409, 429, 5xx or a connection failure (default 2; 0 turns retries off). */
  maxRetries?: number;
  /** Milliseconds one attempt may take before it is abandoned (default 600 000, ten minutes). For a stream: until its headers arrive. */
  timeout?: number;
}

export interface RequestOptions {
  /** Aborts the request (and a stream's reading): the promise rejects with APIUserAbortError. */
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Overrides the client's `maxRetries` for this request. */
  maxRetries?: number;
  /** Overrides the client's `timeout` (ms) for this request. */
  timeout?: number;
}

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 600_000;
/** The longest `Retry-After` the client waits for; a longer one is replaced by its own backoff. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Base of every error the client throws. HTTP errors carry the answer's status, the error
 * envelope's `type`, `message` and `param`, the request id and the parsed body; connection,
 * timeout and abort errors have status 0.
 */
export class GatehouseError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | undefined,
    readonly requestId: string | undefined,
    readonly body: unknown,
    /** The answer's headers (an empty set when there was no answer). */
    readonly headers: Headers = new Headers(),
  ) {
    super(status ? `${status} ${type}: ${message}` : message);
    this.name = new.target.name;
  }
}
export class BadRequestError extends GatehouseError {}
export class AuthenticationError extends GatehouseError {}
/** 402: the wallet (or the key's cap) cannot cover the request's worst-case cost; nothing was forwarded. */
export class InsufficientFundsError extends GatehouseError {}
/** The former name of InsufficientFundsError. */
export const PaymentRequiredError = InsufficientFundsError;
export type PaymentRequiredError = InsufficientFundsError;
export class PermissionDeniedError extends GatehouseError {}
export class NotFoundError extends GatehouseError {}
export class ConflictError extends GatehouseError {}
export class PayloadTooLargeError extends GatehouseError {}
export class UnprocessableEntityError extends GatehouseError {}
export class RateLimitError extends GatehouseError {}
/** 500 and above. */
export class InternalServerError extends GatehouseError {}

/** No HTTP answer: the connection failed or broke (also a stream cut before its end). `cause` holds the underlying error. */
export class APIConnectionError extends GatehouseError {
  constructor(message = "Connection error.", cause?: unknown) {
    super(0, "connection_error", message, undefined, undefined, undefined);
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}
/** An attempt took longer than `timeout` ms (after the retries it was allowed). */
export class APIConnectionTimeoutError extends APIConnectionError {
  constructor(message = "Request timed out.") {
    super(message);
  }
}
/** The caller's AbortSignal fired. */
export class APIUserAbortError extends GatehouseError {
  constructor(message = "Request was aborted.") {
    super(0, "aborted", message, undefined, undefined, undefined);
  }
}

const ERROR_CLASSES: Record<number, typeof GatehouseError> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: InsufficientFundsError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The error class of an HTTP status. */
export function errorClassFor(status: number): typeof GatehouseError {
  return ERROR_CLASSES[status] ?? (status >= 500 ? InternalServerError : GatehouseError);
}

/** What `withResponse()` resolves to: the parsed data and the raw Response (headers such as `x-qlaud-cost-micros`). */
export interface WithResponse<T> {
  data: T;
  response: Response;
  /** `x-qlaud-request-id`, if the answer had one. */
  requestId: string | undefined;
}

/**
 * A request's result: await it for the data, or call `withResponse()` for the data and the
 * Response, or `asResponse()` for the Response alone.
 */
export class APIPromise<T> extends Promise<T> {
  readonly #raw: Promise<{ response: Response; data: T }>;
  #data: Promise<T> | undefined;

  constructor(raw: Promise<{ response: Response; data: T }>) {
    super((resolve) => resolve(undefined as T));
    this.#raw = raw;
    // A failure surfaces where the result is used (await, withResponse, iteration), not as an unhandled rejection.
    raw.catch(() => undefined);
  }

  // then/catch/finally on an APIPromise make plain promises.
  static override get [Symbol.species]() {
    return Promise;
  }

  withResponse(): Promise<WithResponse<T>> {
    return this.#raw.then(({ response, data }) => ({ data, response, requestId: response.headers.get("x-qlaud-request-id") ?? undefined }));
  }

  /** The Response (its body already read when the answer was JSON: use `withResponse()` for the data too). */
  asResponse(): Promise<Response> {
    return this.#raw.then((r) => r.response);
  }

  #parsed(): Promise<T> {
    return (this.#data ??= this.#raw.then((r) => r.data));
  }

  override then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.#parsed().then(onFulfilled, onRejected);
  }

  override catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#parsed().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.#parsed().finally(onFinally);
  }
}

/**
 * A list request: await it for the first page, or `for await` it for every item, page after
 * page (lists without cursors have one page).
 */
export class PagePromise<P, I> extends APIPromise<P> implements AsyncIterable<I> {
  readonly #items: () => AsyncGenerator<I>;

  constructor(raw: Promise<{ response: Response; data: P }>, items: () => AsyncGenerator<I>) {
    super(raw);
    this.#items = items;
  }

  [Symbol.asyncIterator](): AsyncGenerator<I> {
    return this.#items();
  }
}

export interface OperationRoute {
  method: string;
  path: string;
}

/** A streamed answer whose headers arrived: the Response, and the abort that ends it (and its retry bookkeeping). */
export interface StreamStart {
  response: Response;
  /** Aborts the request: `break` out of a stream calls it, so the server sees the disconnect. */
  abort: () => void;
  /** The caller's signal, to tell an abort of theirs from a cut connection. */
  signal: AbortSignal | undefined;
  /** Forgets the caller's signal once the stream ended. */
  done: () => void;
}

type Sent = { response: Response; text: string };

/** Statuses a Response may not be built with a body for. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Base of the generated client: every method goes through `request`, `requestStream` or `requestPage`. */
export class BaseClient<Ops extends { [K in keyof Ops]: OperationShape }> {
  readonly #opts: ClientOptions;
  readonly #routes: Record<keyof Ops, OperationRoute>;

  constructor(options: ClientOptions, routes: Record<keyof Ops, OperationRoute>) {
    if (!options.baseURL) throw new TypeError("Gatehouse: baseURL is required, e.g. http://127.0.0.1:8787");
    if (options.maxRetries !== undefined && !(Number.isInteger(options.maxRetries) && options.maxRetries >= 0)) {
      throw new TypeError(`Gatehouse: maxRetries must be a whole number ≥ 0, got ${options.maxRetries}`);
    }
    this.#opts = options;
    this.#routes = routes;
  }

  /** Calls an operation and parses its JSON answer (retried, timed, abortable). Used by the generated methods. */
  request<K extends keyof Ops>(op: K, args: unknown, options?: RequestOptions): APIPromise<Result<Ops[K]>> {
    return new APIPromise(
      (this.#send(op, args, options, false) as Promise<Sent>).then(({ response, text }) => ({
        // A JSON answer's body was read within the attempt's timeout; the Response keeps status and headers.
        response: new Response(NULL_BODY_STATUSES.has(response.status) ? null : text, { status: response.status, statusText: response.statusText, headers: response.headers }),
        data: (text === "" ? undefined : JSON.parse(text)) as Result<Ops[K]>,
      })),
    );
  }

  /** Calls a list operation: the first page when awaited; iterated, every item (across pages when `rule` is given). */
  requestPage<K extends keyof Ops>(op: K, args: unknown, rule: PaginationRule | undefined, options?: RequestOptions): PagePromise<Result<Ops[K]>, PageItem<Ops[K]>> {
    const first = this.request(op, args, options);
    const raw = first.withResponse();
    const firstPage = () => raw.then((r) => r.data as { data: PageItem<Ops[K]>[] });
    const items = rule
      ? () => this.paginate(op, args, rule, options, firstPage())
      : async function* () {
          yield* (await firstPage()).data;
        };
    return new PagePromise(raw, items);
  }

  /**
   * Yields every item of a list, page after page: passes the page's cursor field back as the
   * cursor parameter until `has_more` is false or a page is empty. Throws PaginationLoopError
   * rather than request a cursor twice. `first`, when given, is the first page already asked for.
   */
  async *paginate<K extends keyof Ops>(op: K, args: unknown, rule: PaginationRule, options?: RequestOptions, first?: Promise<unknown>): AsyncGenerator<PageItem<Ops[K]>> {
    const a = (args ?? {}) as { query?: Record<string, unknown> };
    const query = { ...a.query };
    const order = rule.order ? String(query[rule.order.param] ?? rule.order.default) : "";
    const cursor = rule.cursors[order];
    if (!cursor) throw new TypeError(`Gatehouse: ${String(op)} cannot page with ${rule.order?.param}=${order}; use one of ${Object.keys(rule.cursors).join(", ")}`);
    const seen = new Set<string>();
    if (query[cursor.param] !== undefined) seen.add(String(query[cursor.param]));
    let pending: Promise<unknown> | undefined = first;
    for (;;) {
      const page = (await (pending ?? this.request(op, { ...a, query }, options))) as { data: PageItem<Ops[K]>[]; has_more?: boolean } & Record<string, unknown>;
      pending = undefined;
      yield* page.data;
      const next = page[cursor.next];
      if (!page.has_more || page.data.length === 0 || next === null || next === undefined) return;
      if (seen.has(String(next))) throw new PaginationLoopError(String(op), cursor.param, next);
      seen.add(String(next));
      query[cursor.param] = next;
    }
  }

  /**
   * Calls a streaming operation (retried until its headers arrive, never after) and resolves
   * once the stream's headers are in; the body is left to read.
   */
  requestStream<K extends keyof Ops>(op: K, args: unknown, options?: RequestOptions): Promise<StreamStart> {
    return this.#send(op, args, options, true) as unknown as Promise<StreamStart>;
  }

  async #send(op: keyof Ops, args: unknown, options: RequestOptions | undefined, stream: boolean): Promise<Sent | StreamStart> {
    const route = this.#routes[op];
    const a = (args ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const path = route.path.replaceAll(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = a.path?.[name];
      if (v === undefined || v === null || v === "") throw new TypeError(`Gatehouse: ${String(op)} needs the path parameter "${name}"`);
      return encodeURIComponent(String(v));
    });
    const url = new URL(this.#opts.baseURL.replace(/\/+$/, "") + path);
    for (const [k, v] of Object.entries(a.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: stream ? "text/event-stream" : "application/json", ...this.#opts.headers, ...options?.headers };
    if (this.#opts.apiKey) headers["x-api-key"] = this.#opts.apiKey;
    let body: string | undefined;
    if (a.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(a.body);
    }
    const maxRetries = options?.maxRetries ?? this.#opts.maxRetries ?? DEFAULT_MAX_RETRIES;
    const timeout = options?.timeout ?? this.#opts.timeout ?? DEFAULT_TIMEOUT_MS;
    const doFetch = this.#opts.fetch ?? fetch;
    const user = options?.signal;
    for (let attempt = 0; ; attempt++) {
      if (user?.aborted) throw new APIUserAbortError();
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeout);
      const onAbort = () => controller.abort();
      user?.addEventListener("abort", onAbort, { once: true });
      const forgetUser = () => user?.removeEventListener("abort", onAbort);
      const cleanup = () => {
        clearTimeout(timer);
        forgetUser();
      };
      const failure = (e: unknown): GatehouseError => {
        if (user?.aborted) return new APIUserAbortError();
        if (timedOut) return new APIConnectionTimeoutError(`Request timed out after ${timeout} ms (${route.method} ${path}).`);
        return e instanceof GatehouseError ? e : new APIConnectionError(`Connection error (${route.method} ${path}): ${(e as Error)?.message ?? String(e)}`, e);
      };
      let res: Response;
      try {
        res = await doFetch(url.toString(), { method: route.method, headers: { ...headers, ...(attempt > 0 ? { "x-gatehouse-retry-count": String(attempt) } : {}) }, body: body ?? null, signal: controller.signal });
      } catch (e) {
        cleanup();
        const err = failure(e);
        if (err instanceof APIUserAbortError || attempt >= maxRetries) throw err;
        await sleep(backoffMs(attempt), user);
        continue;
      }
      if (!res.ok) {
        if (attempt < maxRetries && shouldRetry(res)) {
          cleanup();
          await res.body?.cancel().catch(() => undefined);
          await sleep(retryDelayMs(res, attempt), user);
          continue;
        }
        try {
          throw await toError(res);
        } catch (e) {
          throw failure(e);
        } finally {
          cleanup();
        }
      }
      if (stream) {
        // The timeout bounds the wait for the headers; reading the stream is bounded by the caller.
        clearTimeout(timer);
        return { response: res, abort: () => controller.abort(), signal: user, done: forgetUser };
      }
      try {
        return { response: res, text: await res.text() };
      } catch (e) {
        throw failure(e);
      } finally {
        cleanup();
      }
    }
  }
}

/** Retry a 408, 409, 429 or 5xx, unless the server says otherwise in `x-should-retry`. */
function shouldRetry(res: Response): boolean {
  const hint = res.headers.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  return res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
}

/** The wait before the next attempt: the server's `retry-after-ms` or `Retry-After` (seconds or a date) when ≤ 60 s, else backoff. */
export function retryDelayMs(res: Response, attempt: number): number {
  const ms = Number.parseFloat(res.headers.get("retry-after-ms") ?? "");
  let wait = Number.isFinite(ms) ? ms : undefined;
  const after = res.headers.get("retry-after");
  if (wait === undefined && after !== null) {
    const seconds = Number.parseFloat(after);
    wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - Date.now();
    if (!Number.isFinite(wait)) wait = undefined;
  }
  return wait !== undefined && wait >= 0 && wait <= MAX_RETRY_AFTER_MS ? wait : backoffMs(attempt);
}

/** 0.5 s, 1 s, 2 s, … capped at 8 s, less up to 25 % jitter. */
export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8000) * (1 - Math.random() * 0.25);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(t);
      reject(new APIUserAbortError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function toError(res: Response): Promise<GatehouseError> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  // Gatehouse and OpenAI: {error:{type, message, param}}; Anthropic: {type:"error", error:{type, message}}.
  const err = (body as { error?: { type?: string; message?: string; param?: string } } | null)?.error;
  const Cls = errorClassFor(res.status);
  return new Cls(res.status, err?.type ?? "api_error", err?.message ?? text.slice(0, 200), err?.param ?? undefined, res.headers.get("x-qlaud-request-id") ?? undefined, body, res.headers);
}

/** The same arguments with `body.stream` set, for the streaming methods. */
export function withStream<A>(args: A): A {
  const a = (args ?? {}) as { body?: Record<string, unknown> };
  return { ...a, body: { ...a.body, stream: true } } as A;
}
