// Reads a tenant's money from a local worker (node side) for billing tests and benchmarks:
// the ledger through GET /v1/wallet/ledger, usage events straight from D1.
import type { LocalWorker } from "./local-worker";

export interface LedgerLine {
  id: number;
  type: "credit" | "charge" | "expired_charge";
  amount_micros: number;
  overshoot_micros: number;
  ref: string;
  key_id: string | null;
  request_id: string | null;
}

export interface UsageLine {
  request_id: string;
  key_id: string;
  model: string;
  surface: string;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  outcome: string;
}

async function getJson<T>(worker: LocalWorker, masterKey: string, path: string): Promise<T> {
  const res = await fetch(`${worker.url}${path}`, { headers: { "x-api-key": masterKey } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function ledger(worker: LocalWorker, masterKey: string): Promise<LedgerLine[]> {
  const out: LedgerLine[] = [];
  for (let after = 0; ; ) {
    const page = await getJson<{ data: LedgerLine[]; has_more: boolean; next_after: number | null }>(
      worker,
      masterKey,
      `/v1/wallet/ledger?limit=500&after=${after}`,
    );
    out.push(...page.data);
    if (!page.has_more || page.next_after === null) return out;
    after = page.next_after;
  }
}

export async function usageEvents(worker: LocalWorker, tenantId: string): Promise<UsageLine[]> {
  const db = await worker.mf.getD1Database("DB");
  const { results } = await db
    .prepare("SELECT request_id, key_id, model, surface, input_tokens, output_tokens, cost_micros, outcome FROM usage_events WHERE tenant_id = ?")
    .bind(tenantId)
    .all<UsageLine>();
  return results;
}

export const wallet = (worker: LocalWorker, masterKey: string) =>
  getJson<{ balance_micros: number; reserved_micros: number }>(worker, masterKey, "/v1/wallet");

/**
 * Waits until nothing is reserved any more and `usageCount` usage events exist: settlement
 * runs in waitUntil after the response (after the stream, for streams).
 */
export async function waitForSettlement(worker: LocalWorker, t: { tenantId: string; masterKey: string }, usageCount: number, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [w, events] = await Promise.all([wallet(worker, t.masterKey), usageEvents(worker, t.tenantId)]);
    if (w.reserved_micros === 0 && events.length >= usageCount) return;
    if (Date.now() > until) {
      throw new Error(`not settled within ${timeoutMs} ms: ${w.reserved_micros} micros still reserved, ${events.length}/${usageCount} usage events`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Mints a standard key through the API. */
export async function mintKey(worker: LocalWorker, masterKey: string, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${worker.url}/v1/keys`, {
    method: "POST",
    headers: { "x-api-key": masterKey, "content-type": "application/json" },
    body: JSON.stringify({ name: "test key", ...body }),
  });
  if (res.status !== 201) throw new Error(`minting a key failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; secret: string };
}
