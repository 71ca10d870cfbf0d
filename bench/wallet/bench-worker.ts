// The benchmark's Worker entry: the real Worker plus one extra route that drives a tenant's
// Wallet object over RPC from inside workerd, where the gateway's leases call it from. Bundled
// only by bench/wallet/bundle.ts; the product never serves /__bench/.
import worker, { Wallet } from "../../runtime/index";
import { walletFor } from "../../runtime/wallet/stub";
import type { ChargedUsage } from "../../runtime/wallet/usage-outbox";

export { Wallet };

/** A mock/echo request's worst case and actual cost, about what bench:wallet's chat costs. */
const WORST_MICROS = 5_000;
const CHARGE_MICROS = 1_234;

export default {
  async fetch(req, env, ctx) {
    const url = new URL(req.url);
    if (url.pathname === "/__bench/wallet-ops") return Response.json(await walletOps(env, url.searchParams));
    return worker.fetch(req, env, ctx);
  },
} satisfies ExportedHandler<Env>;

const usage = (tenant: string): ChargedUsage => ({
  tenant_id: tenant,
  key_id: "bench-key",
  end_user_id: "bench-user",
  model: "mock/echo",
  provider: "mock",
  surface: "openai",
  input_tokens: 12,
  output_tokens: 8,
  cached_tokens: 0,
  outcome: "ok",
});

/**
 * Runs `count` operations against one tenant's Wallet, `concurrency` at a time (each lane its
 * own lease, as separate isolates or keys would hold), and reports the wall time and each
 * one's latency (ms; workerd's clock ticks in whole ms). `op`:
 * `batch` = one `leaseSettle` of `draws` finished requests with their usage rows (what the
 * gateway's requests cost the object: one such call per lease per 20 ms window),
 * `grow` = one `leaseGrow` top-up and re-check (what a busy lease adds now and then),
 * `credit` (one small write: the object's commit cost), `read` (balance(): the RPC alone).
 */
async function walletOps(env: Env, q: URLSearchParams): Promise<{ elapsed_ms: number; latencies: number[] }> {
  const tenant = q.get("tenant") ?? "bench";
  const total = Number(q.get("count") ?? 500);
  const lanes = Number(q.get("concurrency") ?? 1);
  const draws = Math.max(1, Number(q.get("draws") ?? 1));
  const op = q.get("op") ?? "batch";
  const wallet = walletFor(env.WALLET, tenant);
  await wallet.credit(1_000_000_000_000, `bench-seed:${tenant}`); // idempotent: $1M once
  await wallet.upsertKey("bench-key", null);
  const run = crypto.randomUUID().slice(0, 8);
  const perLane = Math.ceil(total / lanes);
  // Each lane's lease holds every worst case it will draw (not timed): no draw runs past its hold.
  const leases = await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const id = `lease_bench-${run}-${lane}`;
      const res = await wallet.leaseGrow(id, "bench-key", op === "batch" ? perLane * draws * WORST_MICROS : WORST_MICROS, 0, 0);
      if (!res.ok) throw new Error(res.message);
      return id;
    }),
  );
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    leases.map(async (leaseId) => {
      let seq = 0;
      while (next < total) {
        const id = `bench-${run}-${next++}`;
        const s = performance.now();
        // Like the gateway: a refusal or failure is thrown, never counted as done.
        if (op === "read") {
          await wallet.balance();
        } else if (op === "credit") {
          await wallet.credit(1, id);
        } else if (op === "grow") {
          const res = await wallet.leaseGrow(leaseId, "bench-key", 0, 0, WORST_MICROS);
          if (!res.ok) throw new Error(res.message);
        } else {
          const batch = Array.from({ length: draws }, (_, i) => ({
            request_id: `${id}.${i}`,
            reserved_micros: WORST_MICROS,
            actual_micros: CHARGE_MICROS,
            usage: usage(tenant),
          }));
          const res = await wallet.leaseSettle(leaseId, ++seq, batch, 0, false);
          if (!res.ok || !res.applied) throw new Error(res.ok ? `batch ${seq} not applied` : res.message);
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { elapsed_ms: performance.now() - t0, latencies };
}
