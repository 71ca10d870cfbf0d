// The dashboard reads and changes nothing itself: every number and every action goes through
// the same handlers the JSON API (and so the SDK) uses, called in-process with the session's
// master key as the caller. The input passes the API's own generated validators first, so a
// bad form value is refused with the API's message, and the handler sees what a JSON request
// would give it. Errors are the API's ApiErrors, shown on the page by the caller.
import * as bodyValidators from "../../generated/api/body-validators.js";
import * as queryValidators from "../../generated/api/query-validators.js";
import { routes, type Input, type OperationId, type Reply } from "../../generated/api/routes";
import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import { billingHandlers } from "../handlers/billing";
import { connectionHandlers } from "../handlers/connections";
import { keyHandlers } from "../handlers/keys";
import { requestLogHandlers } from "../handlers/requests";
import { threadHandlers } from "../handlers/threads";
import { usageHandlers } from "../handlers/usage";
import { walletHandlers } from "../handlers/wallet";
import type { RequestContext } from "../http/context";
import { validationError, type ValidationError } from "../http/validation";

/** The API operations the dashboard uses. */
const API = {
  ...keyHandlers,
  ...usageHandlers,
  ...walletHandlers,
  ...billingHandlers,
  ...connectionHandlers,
  ...threadHandlers,
  ...requestLogHandlers,
};

export type DashboardOp = keyof typeof API;

/** The JSON body an operation answers with on success. */
export type ApiBody<K extends OperationId> = Exclude<Reply<K>, Response>["body"];

interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
const bodyCheck = bodyValidators as unknown as Record<string, Validator>;
const queryCheck = queryValidators as unknown as Record<string, Validator>;

/** What a call may pass: path params, query and body, each as the JSON API would receive them. */
export interface ApiCall {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * Runs one API operation as `key` (the session's master key) in this request: validated like
 * an HTTP request to the route, then its handler. Returns the success body; throws the
 * handler's ApiError (a 400 for input the API would refuse).
 */
export async function callApi<K extends DashboardOp>(ctx: RequestContext, key: KeyRecord, op: K, call: ApiCall = {}): Promise<ApiBody<K>> {
  const route = routes.find((r) => r.operationId === op);
  if (!route) throw new ApiError("internal", `operation ${op} is not in the route table; run npm run gen`);
  const query = { ...(call.query ?? {}) };
  if (route.query) {
    const check = queryCheck[route.query];
    if (!check) throw new ApiError("internal", `validator ${route.query} missing; run npm run gen`);
    if (!check(query)) throw validationError("query", check.errors);
  }
  if (route.body && call.body !== undefined) {
    const check = bodyCheck[route.body];
    if (!check) throw new ApiError("internal", `validator ${route.body} missing; run npm run gen`);
    if (!check(call.body)) throw validationError("body", check.errors);
  }
  const input = { params: call.params ?? {}, query, body: call.body } as Input<K>;
  const handler = API[op] as (input: Input<K>, ctx: RequestContext) => Promise<Reply<K>>;
  const reply = await handler.call(API, input, { ...ctx, caller: { key } });
  if (reply instanceof Response) throw new ApiError("internal", `${op} answered a raw response; the dashboard reads JSON replies only`);
  return (reply as { body: ApiBody<K> }).body;
}
