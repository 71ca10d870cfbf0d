import { IttyRouter, type IRequest } from "itty-router";
import * as bodyValidators from "../generated/api/body-validators.js";
import * as queryValidators from "../generated/api/query-validators.js";
import { routes, type Handlers, type Input, type OperationId, type Reply, type RouteDef } from "../generated/api/routes";
import { authenticate } from "./auth/authenticate";
import { configOf, numberVar } from "./config";
import { ApiError, badRequest, errorResponse, toApiError, type ErrorShape } from "./errors";
import type { RequestContext } from "./http/context";
import { addCorsHeaders, answerPreflight, tenantAllowsOrigin } from "./http/cors";
import { GATEWAY_MAX_BODY_BYTES, readJsonBody } from "./http/read-body";
import { validationError, type ValidationError } from "./http/validation";
import { noteCaller, noteModel, noteRoute } from "./requests/observation";
import { recordRequest } from "./requests/record-request";

interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
const bodyCheck = bodyValidators as unknown as Record<string, Validator>;
const queryCheck = queryValidators as unknown as Record<string, Validator>;

export type AppHandlers = Handlers<RequestContext>;

/**
 * Builds the router from the generated route table: for each route, authenticate →
 * read and validate body and query → call the handler → shape the response. Handlers
 * only see validated input.
 */
export function buildRouter(handlers: AppHandlers) {
  const router = IttyRouter<IRequest, [Env, ExecutionContext, number]>();
  for (const route of routes) {
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
    router[method](route.path, (req: IRequest, env: Env, exec: ExecutionContext, startedAt: number) =>
      dispatch(route, handlers, req, env, exec, startedAt),
    );
  }
  return async (req: Request, env: Env, exec: ExecutionContext): Promise<Response> => {
    const startedAt = performance.now();
    const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
    let res: Response | undefined;
    try {
      // Before anything else: a misconfigured deployment answers every request with the reason.
      configOf(env);
      // A CORS preflight carries no key: answered here, before any route's authentication.
      if (req.method === "OPTIONS" && req.headers.has("access-control-request-method")) res = await answerPreflight(req, env);
      else res = (await router.fetch(Object.assign(req, { requestId }), env, exec, startedAt)) as Response | undefined;
      if (!res) {
        const url = new URL(req.url);
        res = errorResponse(
          new ApiError("not_found", `no route for ${req.method} ${url.pathname}; the API is described in generated/openapi/openapi.yaml`),
          surfaceOfPath(url.pathname),
        );
      }
    } catch (e) {
      const err = toApiError(e);
      if (err.kind === "internal") console.error(err.message);
      res = errorResponse(err, surfaceOfPath(new URL(req.url).pathname));
    }
    const out = finish(res, requestId, startedAt);
    // The request's one log line and its request log row, off the response path (runtime/requests/).
    recordRequest(env, exec, req, out, requestId, startedAt);
    return out;
  };
}

async function dispatch(
  route: RouteDef,
  handlers: AppHandlers,
  req: IRequest,
  env: Env,
  exec: ExecutionContext,
  startedAt: number,
): Promise<Response> {
  let tenant: string | undefined;
  let res: Response;
  try {
    noteRoute(req, route);
    const caller = await authenticate(req, env, exec, route.auth);
    tenant = caller.key?.tenant_id;
    noteCaller(req, caller.key);
    const input = await readInput(route, req, env);
    noteModel(req, input.body);
    const ctx: RequestContext = { env, exec, req, requestId: (req as IRequest & { requestId: string }).requestId, caller, startedAt };
    const handler = handlers[route.operationId] as (input: Input<OperationId>, ctx: RequestContext) => Promise<Reply<OperationId>>;
    const reply = await handler.call(handlers, input, ctx);
    if (reply instanceof Response) res = reply;
    else {
      const json = reply as { status: number; body: unknown; headers?: Record<string, string> };
      res = Response.json(json.body, { status: json.status, headers: json.headers });
    }
  } catch (e) {
    const err = toApiError(e);
    if (err.kind === "internal") console.error(`${route.operationId} failed:`, e);
    res = errorResponse(err, route.surface);
  }
  return withTenantCors(res, req, env, tenant);
}

/** CORS headers when the request came from a browser origin the key's tenant allows (runtime/http/cors.ts). */
async function withTenantCors(res: Response, req: Request, env: Env, tenant: string | undefined): Promise<Response> {
  const origin = req.headers.get("origin");
  if (origin === null || tenant === undefined) return res;
  let allowed = false;
  try {
    allowed = await tenantAllowsOrigin(env, tenant, origin);
  } catch (e) {
    // The answer stands without CORS headers (the browser will not read it); the lookup failure is the operator's.
    console.error(`CORS origin lookup failed: ${(e as Error).message}`);
  }
  if (!allowed) return res;
  const out = mutable(res);
  addCorsHeaders(out, origin);
  return out;
}

/** `res`, or a copy whose headers can be set (a Response passed through from a fetch has immutable ones). */
function mutable(res: Response): Response {
  try {
    res.headers.set("x-qlaud-cors", "1");
    res.headers.delete("x-qlaud-cors");
    return res;
  } catch {
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
  }
}

async function readInput(route: RouteDef, req: IRequest, env: Env): Promise<Input<OperationId>> {
  const params = readPathParams(req.params ?? {});
  let query: Record<string, unknown> = {};
  if (route.query) {
    query = readQuery(new URL(req.url).searchParams);
    const check = queryCheck[route.query];
    if (!check) throw new ApiError("internal", `validator ${route.query} missing; run npm run gen`);
    if (!check(query)) throw validationError("query", check.errors);
  }
  let body: unknown;
  if (route.body) {
    // Gatehouse's own routes take small JSON only (415); the provider-shaped surfaces read what
    // the providers read, as large as they take it.
    const gateway = route.surface !== "gatehouse";
    body = await readJsonBody(req, gateway ? { anyContentType: true, maxBytes: numberVar(env, "GATEWAY_MAX_BODY_BYTES", GATEWAY_MAX_BODY_BYTES) } : {});
    if (body === undefined) {
      if (route.bodyRequired) throw badRequest("a JSON request body is required", "body");
    } else {
      const check = bodyCheck[route.body];
      if (!check) throw new ApiError("internal", `validator ${route.body} missing; run npm run gen`);
      if (!check(body)) throw validationError("body", check.errors);
    }
  }
  return { params, query, body } as Input<OperationId>;
}

/** Decoded path parameters; a bad `%` escape or an empty value is the caller's 400, naming the parameter. */
function readPathParams(raw: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    let value: string;
    try {
      value = decodeURIComponent(v);
    } catch {
      throw badRequest(`path parameter ${k} has a malformed % escape; percent-encode it as UTF-8 (e.g. encodeURIComponent)`, `path.${k}`);
    }
    if (value === "") throw badRequest(`path parameter ${k} is empty`, `path.${k}`);
    params[k] = value;
  }
  return params;
}

/** Query parameters, each at most once: `?after=1&after=2` is ambiguous, so a 400 rather than a silent pick. */
function readQuery(search: URLSearchParams): Record<string, unknown> {
  const seen = new Set<string>();
  for (const k of search.keys()) {
    if (seen.has(k)) throw badRequest(`query parameter ${k} is given more than once; send it once`, `query.${k}`);
    seen.add(k);
  }
  // fromEntries defines own properties: a `__proto__` parameter stays a (refused) key, not a prototype.
  return Object.fromEntries(search);
}

function surfaceOfPath(path: string): ErrorShape {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1/chat/completions")) return "openai";
  if (path.startsWith("/v1/responses")) return "responses";
  return "gatehouse";
}

/** Adds the request id and the gateway's own time to every response. */
function finish(res: Response, requestId: string, startedAt: number): Response {
  // Responses built here have mutable headers; one passed through from a fetch does not,
  // and is copied.
  let out = res;
  try {
    res.headers.set("x-qlaud-request-id", requestId);
  } catch {
    out = new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
    out.headers.set("x-qlaud-request-id", requestId);
  }
  // gw is the Worker's own time: everything but the wait on the upstream (if there was one).
  const timing = out.headers.get("server-timing");
  const upstreamMs = Number(/upstream;dur=([\d.]+)/.exec(timing ?? "")?.[1] ?? 0);
  const gw = `gw;dur=${Math.max(0, performance.now() - startedAt - upstreamMs).toFixed(2)}`;
  out.headers.set("server-timing", timing ? `${gw}, ${timing}` : gw);
  return out;
}
