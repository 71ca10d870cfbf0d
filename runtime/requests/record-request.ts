// The router's one call after every response: once the request's LLM calls are settled (a
// stream's when it ends), print its one structured log line and, for a gateway request, queue
// its request log row. All of it in waitUntil: the response is already on its way, and a
// failure here is logged, never the caller's.
import type { RequestLogRow } from "../db/request-log";
import { formatRequestLine, type RequestLine } from "./log-line";
import { observationFor, type Observation } from "./observation";
import { recordRow } from "./recorder";

/** The surfaces whose requests get a request log row: the provider-shaped gateway routes… */
const LOGGED_SURFACES = new Set(["anthropic", "openai"]);
/** …and Gatehouse's own routes that call models: a thread turn (its rounds add up). */
const LOGGED_OPERATIONS = new Set(["createThreadMessage"]);

export interface Responded {
  requestId: string;
  /** performance.now() when the Worker started on the request. */
  startedAt: number;
  /** performance.now() when the response was handed back. */
  respondedAt: number;
  /** Epoch ms when the request came. */
  startedAtMs: number;
  status: number;
  streamed: boolean;
  /** `x-qlaud-provider`, for answers that settle no call (count_tokens). */
  providerHeader: string | null;
}

/** Schedules the line and the row; returns at once (the router calls it with every response). */
export function recordRequest(env: Env, exec: ExecutionContext, req: Request, res: Response, requestId: string, startedAt: number): void {
  const respondedAt = performance.now();
  const responded: Responded = {
    requestId,
    startedAt,
    respondedAt,
    // The request's start on the wall clock (created_at): pages list requests in the order they came.
    startedAtMs: Date.now() - Math.round(respondedAt - startedAt),
    status: res.status,
    streamed: (res.headers.get("content-type") ?? "").startsWith("text/event-stream"),
    providerHeader: res.headers.get("x-qlaud-provider"),
  };
  exec.waitUntil(
    completeRecord(env, req, responded).catch((e: unknown) =>
      console.error(JSON.stringify({ type: "gatehouse.request_log", request_id: requestId, error: (e as Error).message })),
    ),
  );
}

/** Everything once the calls are settled: the log line, then the row (awaited, so waitUntil keeps the isolate for it). */
export async function completeRecord(env: Env, req: Request, responded: Responded, now: () => number = () => performance.now()): Promise<void> {
  const o = observationFor(req);
  // A streamed thread turn runs its rounds after the response: wait for them to be noted.
  await Promise.allSettled(o.work);
  const calls = await Promise.all(o.calls.map(async (c) => ({ held: c.heldMicros, ...(await c.settled) })));
  const line = requestLine(req.method, o, responded, calls, Math.round(now() - responded.startedAt));
  console.log(formatRequestLine(line));
  if (o.key && o.operation && (LOGGED_SURFACES.has(o.surface ?? "") || LOGGED_OPERATIONS.has(o.operation))) await recordRow(env.DB, logRow(o.key, o.operation, line, responded.startedAtMs));
}

function requestLine(
  method: string,
  o: Observation,
  r: Responded,
  calls: { held: number; provider: string; costMicros: number; outcome: string }[],
  durationMs: number,
): RequestLine {
  const last = calls.at(-1);
  const provider = last && last.provider !== "none" ? last.provider : r.providerHeader;
  return {
    request_id: r.requestId,
    tenant_id: o.key?.tenant_id ?? null,
    key_id: o.key?.id ?? null,
    operation: o.operation ?? null,
    method,
    route: o.route ?? null,
    status: r.status,
    model: o.model ?? null,
    provider: provider ?? null,
    streamed: r.streamed,
    outcome: last?.outcome ?? null,
    latency_ms: Math.max(0, Math.round(r.respondedAt - r.startedAt)),
    duration_ms: Math.max(0, durationMs),
    cost_micros: calls.reduce((sum, c) => sum + c.costMicros, 0),
    overshoot_micros: calls.reduce((sum, c) => sum + Math.max(0, c.costMicros - c.held), 0),
  };
}

function logRow(key: NonNullable<Observation["key"]>, operation: string, line: RequestLine, createdAt: number): RequestLogRow {
  return {
    request_id: line.request_id,
    tenant_id: key.tenant_id,
    key_id: key.id,
    end_user_id: key.end_user_id,
    operation,
    model: line.model,
    provider: line.provider,
    status: line.status,
    streamed: line.streamed ? 1 : 0,
    outcome: line.outcome,
    latency_ms: line.latency_ms,
    duration_ms: line.duration_ms,
    cost_micros: line.cost_micros,
    overshoot_micros: line.overshoot_micros,
    created_at: createdAt,
  };
}
