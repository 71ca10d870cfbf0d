// The one structured log line per request (Workers Logs indexes a JSON console.log line's
// fields). Built from an allow-list of fields, so nothing else a request carried — prompt,
// answer, key secret, raw URL, end user id — can end up in it.

export interface RequestLine {
  request_id: string;
  tenant_id: string | null;
  key_id: string | null;
  /** The route's operation id, or null when no route matched. */
  operation: string | null;
  method: string;
  /** The route's pattern (`/v1/keys/:id`), or null when no route matched. */
  route: string | null;
  status: number;
  model: string | null;
  provider: string | null;
  streamed: boolean;
  /** The billing outcome, or null when nothing was held. */
  outcome: string | null;
  latency_ms: number;
  duration_ms: number;
  cost_micros: number;
  overshoot_micros: number;
}

const FIELDS = [
  "request_id",
  "tenant_id",
  "key_id",
  "operation",
  "method",
  "route",
  "status",
  "model",
  "provider",
  "streamed",
  "outcome",
  "latency_ms",
  "duration_ms",
  "cost_micros",
  "overshoot_micros",
] as const satisfies readonly (keyof RequestLine)[];

/** `{"type":"gatehouse.request", …}`: one line, the fields above in that order, nothing else. */
export function formatRequestLine(line: RequestLine): string {
  const out: Record<string, unknown> = { type: "gatehouse.request" };
  for (const f of FIELDS) out[f] = line[f];
  return JSON.stringify(out);
}
