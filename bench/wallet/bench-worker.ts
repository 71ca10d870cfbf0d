// The benchmark's Worker entry: the real Worker plus one extra route that drives a tenant's
// Wallet object over RPC from inside workerd, where the gateway calls it from. Bundled only
// by bench/wallet/bundle.ts; the product never serves /__bench/.
import worker, { Wallet } from "../../runtime/index";
import { walletFor } from "../../runtime/wallet/stub";

export { Wallet };

const HOLD_MICROS = 5_000;
const CHARGE_MICROS = 1_234;

export default {
  async fetch(req, env, ctx) {
    const url = new URL(req.url);
    if (url.pathname === "/__bench/wallet-ops") return Response.json(await pairs(env, url.searchParams));
    return worker.fetch(req, env, ctx);
  },
} satisfies ExportedHandler<Env>;

/**
 * Runs `pairs` operations against one tenant's Wallet, `concurrency` at a time, and reports
 * the wall time and each one's latency (ms; workerd's clock ticks in whole ms). `op`:
 * `pair` = reserve + settle (what a gateway request costs the object), `reserve` alone,
 * `credit` (one small write: the object's commit cost), `read` (balance(): the RPC alone),
 * `usage` (one usage_events row into D1, which settlement also writes).
 */
async function pairs(env: Env, q: URLSearchParams): Promise<{ elapsed_ms: number; latencies: number[] }> {
  const tenant = q.get("tenant") ?? "bench";
  const total = Number(q.get("pairs") ?? 500);
  const lanes = Number(q.get("concurrency") ?? 1);
  const op = q.get("op") ?? "pair";
  const wallet = walletFor(env.WALLET, tenant);
  await wallet.credit(1_000_000_000_000, `bench-seed:${tenant}`); // idempotent: $1M once
  await wallet.upsertKey("bench-key", null);
  const run = crypto.randomUUID().slice(0, 8);
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < total) {
        const id = `bench-${run}-${next++}`;
        const s = performance.now();
        // Like the gateway: a refusal or failure is thrown, never counted as done.
        if (op === "read") {
          await wallet.balance();
        } else if (op === "credit") {
          await wallet.credit(1, id);
        } else if (op === "usage") {
          await env.DB.prepare(
            `INSERT INTO usage_events (request_id, tenant_id, key_id, model, provider, surface, cost_micros, outcome, created_at)
             VALUES (?, ?, 'bench-key', 'mock/echo', 'mock', 'openai', ?, 'ok', ?)`,
          )
            .bind(id, tenant, CHARGE_MICROS, Date.now())
            .run();
        } else {
          const held = await wallet.reserve(id, "bench-key", HOLD_MICROS);
          if (!held.ok) throw new Error(held.message);
          if (op === "pair") await wallet.settle(id, CHARGE_MICROS);
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { elapsed_ms: performance.now() - t0, latencies };
}
