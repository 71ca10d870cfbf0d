// What the request log learns about a request while it runs, noted by the code that knows it:
// the router (the route, the calling key, the model named in the body) and the meter (each
// LLM call's hold and, once settled, its provider, cost and outcome). Kept beside the Request
// object in a WeakMap, so nothing else's signature changes and nothing outlives the request.
import type { KeyRecord } from "../auth/key-store";

/** One settled LLM call (gateway/meter.ts calls back once per call). */
export interface SettledCall {
  provider: string;
  costMicros: number;
  outcome: string;
}

export interface NotedCall {
  /** What was held for it (its overshoot is what it cost above this). */
  heldMicros: number;
  settled: Promise<SettledCall>;
}

export interface Observation {
  operation?: string;
  /** The route's pattern (`/v1/threads/:id`), never the raw path (a connect token is a secret). */
  route?: string;
  surface?: string;
  key?: KeyRecord;
  model?: string;
  calls: NotedCall[];
  /** Work that outlives the response and may start more calls (a streamed thread turn's rounds). */
  work: Promise<unknown>[];
}

const observed = new WeakMap<Request, Observation>();

function observationOf(req: Request): Observation {
  let o = observed.get(req);
  if (!o) {
    o = { calls: [], work: [] };
    observed.set(req, o);
  }
  return o;
}

/** The router: the route matched (before authentication, so a refused request is logged as its route's). */
export function noteRoute(req: Request, route: { operationId: string; path: string; surface: string }): void {
  const o = observationOf(req);
  o.operation = route.operationId;
  o.route = route.path;
  o.surface = route.surface;
}

/** The router, once authenticated: the calling key (none for open and admin routes). */
export function noteCaller(req: Request, key: KeyRecord | null): void {
  if (key) observationOf(req).key = key;
}

/** The router, once the body is validated: the model it names (gateway bodies all have one). */
export function noteModel(req: Request, body: unknown): void {
  const model = (body as { model?: unknown } | undefined)?.model;
  if (typeof model === "string") observationOf(req).model = model.slice(0, 200);
}

/**
 * The meter, once the worst case is held: returns the callback it calls, exactly once, when
 * the call is settled (the meter guarantees a settlement for every hold it takes).
 */
export function noteCall(req: Request, heldMicros: number): (settled: SettledCall) => void {
  let resolve: (s: SettledCall) => void = () => {};
  const settled = new Promise<SettledCall>((r) => (resolve = r));
  observationOf(req).calls.push({ heldMicros, settled });
  return resolve;
}

/** Work the request log waits for before it adds up the calls (it must never reject). */
export function noteWork(req: Request, work: Promise<unknown>): void {
  observationOf(req).work.push(work);
}

/**
 * `child` is a stand-in for `req` (a thread turn's round runs in a Request of its own, without
 * the client's hang-up signal): what is noted on it is noted on `req`. Returns `child`.
 */
export function onBehalfOf(child: Request, req: Request): Request {
  observed.set(child, observationOf(req));
  return child;
}

/** What was noted about the request (empty when nothing was). */
export function observationFor(req: Request): Observation {
  return observed.get(req) ?? { calls: [], work: [] };
}
