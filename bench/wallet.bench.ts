// npm run bench:wallet — what billing costs a gateway request, and how many requests one
// tenant's Wallet object sustains, on this machine (127.0.0.1 only, workerd via Miniflare).
//
// Baseline, in the same run: the same Worker bundled with billing stubbed out (no lease, no
// draw, no batch, no usage row), serving the same mock/echo request. Requests alternate
// between the two so drift hits both alike. A request's billing is a draw from its isolate's
// lease (no call out) and, 20 ms after it ends, its charge in the lease's next batch; the
// Wallet object is also driven directly, over RPC from inside the Worker, with those calls
// (leaseSettle batches, leaseGrow top-ups) to find its own ceiling. Bounded to well under 60 s.
import { startLocalWorker, type LocalWorker } from "../test/support/local-worker";
import { benchClock } from "./lib/progress";
import { bundle, type Variant } from "./wallet/bundle";
import { stats, table, type Row } from "./wallet/stats";

const SERIAL_REQUESTS = 400;
const LOAD_CONCURRENCY = 32;
const LOAD_MS = 3_000;
const LANES = 64;
/** Draws per batch in the busy cases: 16 requests ending within one 20 ms window of a lease. */
const BUSY_DRAWS = 16;
const LOAD_OPS_TARGET_MS = 3_000;
const DEADLINE_MS = 55_000;
const CHAT = JSON.stringify({ model: "mock/echo", max_tokens: 64, messages: [{ role: "user", content: "Say hello to the benchmark." }] });

const { elapsed, progress, checkDeadline } = benchClock("wallet", DEADLINE_MS);

let resets = 0;
/**
 * fetch, retried once when a kept-alive connection is reset under it (undici reusing a
 * socket workerd is closing); counted and reported, never silently.
 */
async function fetchOnce(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (!(e instanceof TypeError) || (e.cause as { code?: string } | undefined)?.code !== "ECONNRESET") throw e;
    resets++;
    return fetch(url, init);
  }
}

interface Target {
  worker: LocalWorker;
  key: string;
}

async function start(variant: Variant): Promise<Target> {
  const worker = await startLocalWorker({ script: await bundle(variant), creditMicros: 1_000_000_000_000 });
  const res = await fetch(`${worker.url}/v1/keys`, {
    method: "POST",
    headers: { "x-api-key": worker.masterKey, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", end_user_id: "bench-user" }),
  });
  if (res.status !== 201) throw new Error(`minting a key failed: ${res.status} ${await res.text()}`);
  return { worker, key: ((await res.json()) as { secret: string }).secret };
}

/** One request; resolves to its latency in ms. Fails loudly on anything but 200. */
async function send(t: Target, kind: "chat" | "models"): Promise<number> {
  const s = performance.now();
  const res =
    kind === "chat"
      ? await fetchOnce(`${t.worker.url}/v1/chat/completions`, { method: "POST", headers: { "x-api-key": t.key, "content-type": "application/json" }, body: CHAT })
      : await fetchOnce(`${t.worker.url}/v1/models`, { headers: { "x-api-key": t.key } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${kind} answered ${res.status}`);
  return performance.now() - s;
}

/** `concurrency` clients sending back to back for `durationMs`. */
async function load(t: Target, durationMs: number): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  const s = performance.now();
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      while (performance.now() < end) latencies.push(await send(t, "chat"));
    }),
  );
  return { rate: latencies.length / ((performance.now() - s) / 1000), latencies };
}

type WalletOp = "read" | "credit" | "grow" | "batch";

/**
 * Drives one tenant's Wallet object over RPC from inside the Worker (see bench-worker.ts).
 * `rate` is calls per second; `drawRate` requests charged per second (batches × draws).
 */
async function walletOps(t: Target, op: WalletOp, count: number, lanes: number, draws = 1): Promise<{ rate: number; drawRate: number; latencies: number[] }> {
  const tenant = `bench-${op}-${lanes}-${draws}-${Math.round(elapsed())}`;
  const res = await fetchOnce(`${t.worker.url}/__bench/wallet-ops?tenant=${tenant}&op=${op}&count=${count}&concurrency=${lanes}&draws=${draws}`);
  if (!res.ok) throw new Error(`wallet ${op} answered ${res.status}: ${await res.text()}`);
  const r = (await res.json()) as { elapsed_ms: number; latencies: number[] };
  const rate = r.latencies.length / (r.elapsed_ms / 1000);
  return { rate, drawRate: rate * draws, latencies: r.latencies };
}

async function main() {
  progress("bundle", "bench worker twice: with the Wallet, and with billing stubbed (baseline)");
  const [withWallet, baseline] = await Promise.all([start("wallet"), start("no-wallet")]);
  progress("start", `two local workers on ${withWallet.worker.url} and ${baseline.worker.url}`);
  try {
    for (let i = 0; i < 40; i++) await Promise.all([send(withWallet, "chat"), send(baseline, "chat"), send(withWallet, "models")]);
    progress("warm up", "40 requests of each kind");

    const lat = { models: [] as number[], base: [] as number[], wallet: [] as number[] };
    for (let i = 0; i < SERIAL_REQUESTS; i++) {
      lat.base.push(await send(baseline, "chat"));
      lat.wallet.push(await send(withWallet, "chat"));
      lat.models.push(await send(withWallet, "models"));
      if ((i + 1) % 100 === 0) progress("latency", `${i + 1}/${SERIAL_REQUESTS} rounds of 3 requests, one at a time`);
      checkDeadline();
    }

    const read = await walletOps(withWallet, "read", 500, 1);
    const credit = await walletOps(withWallet, "credit", 300, 1);
    const grow = await walletOps(withWallet, "grow", 300, 1);
    const batch1 = await walletOps(withWallet, "batch", 300, 1, 1);
    const batch16 = await walletOps(withWallet, "batch", 150, 1, BUSY_DRAWS);
    progress("rpc", `from inside the Worker, one at a time: 500 reads, 300 credits, 300 leaseGrow top-ups, 300 batches of 1 draw, 150 of ${BUSY_DRAWS}`);
    checkDeadline();

    const loadBase = await load(baseline, LOAD_MS);
    progress("load", `baseline: ${LOAD_CONCURRENCY} clients for ${LOAD_MS / 1000} s`);
    const loadWallet = await load(withWallet, LOAD_MS);
    progress("load", `billed: ${LOAD_CONCURRENCY} clients for ${LOAD_MS / 1000} s`);
    checkDeadline();

    // Sized to last about LOAD_OPS_TARGET_MS at the serial rate × 1.5 (concurrent calls share commits).
    const sized = (rate: number) => Math.max(LANES * 4, Math.min(20_000, Math.round((rate * 1.5 * LOAD_OPS_TARGET_MS) / 1000)));
    const growLoad = await walletOps(withWallet, "grow", sized(grow.rate), LANES);
    progress("rpc", `leaseGrow top-ups, ${LANES} leases at a time, against one tenant's Wallet`);
    const batchLoad = await walletOps(withWallet, "batch", sized(batch16.rate), LANES, BUSY_DRAWS);
    progress("rpc", `batches of ${BUSY_DRAWS} draws, ${LANES} leases at a time, against one tenant's Wallet`);

    const [m, b, w] = [stats(lat.models), stats(lat.base), stats(lat.wallet)];
    const [lb, lw] = [stats(loadBase.latencies), stats(loadWallet.latencies)];
    const [r, c, g, b1, b16] = [stats(read.latencies), stats(credit.latencies), stats(grow.latencies), stats(batch1.latencies), stats(batch16.latencies)];
    const [gl, bl] = [stats(growLoad.latencies), stats(batchLoad.latencies)];
    const rows: Row[] = [
      { label: "GET /v1/models (no billing, reference)", n: m.n, p50: m.p50, p99: m.p99, ratio: m.p50 / b.p50, vs: "baseline p50" },
      { label: "chat, billing stubbed (baseline)", n: b.n, p50: b.p50, p99: b.p99, ratio: 1, vs: "baseline p50" },
      { label: "chat, billed (lease draw + batch)", n: w.n, p50: w.p50, p99: w.p99, ratio: w.p50 / b.p50, vs: "baseline p50" },
      { label: "  added per request by billing", p50: w.p50 - b.p50, p99: w.p99 - b.p99 },
      { label: `chat under load, baseline (c=${LOAD_CONCURRENCY})`, n: lb.n, p50: lb.p50, p99: lb.p99, rate: loadBase.rate, ratio: 1, vs: "baseline req/s" },
      { label: `chat under load, billed (c=${LOAD_CONCURRENCY})`, n: lw.n, p50: lw.p50, p99: lw.p99, rate: loadWallet.rate, ratio: loadWallet.rate / loadBase.rate, vs: "baseline req/s" },
      { label: "Wallet RPC: balance() read, serial", n: r.n, p50: r.p50, p99: r.p99, rate: read.rate, ratio: 1, vs: "read RPC/s" },
      { label: "Wallet RPC: credit() one write, serial", n: c.n, p50: c.p50, p99: c.p99, rate: credit.rate, ratio: credit.rate / read.rate, vs: "read RPC/s" },
      { label: "Wallet RPC: leaseGrow top-up, serial", n: g.n, p50: g.p50, p99: g.p99, rate: grow.rate, ratio: grow.rate / credit.rate, vs: "single writes/s" },
      { label: "Wallet RPC: batch of 1 draw, serial", n: b1.n, p50: b1.p50, p99: b1.p99, rate: batch1.drawRate, ratio: batch1.drawRate / credit.rate, vs: "single writes/s" },
      { label: `Wallet RPC: batch of ${BUSY_DRAWS} draws, serial (per s: draws)`, n: b16.n, p50: b16.p50, p99: b16.p99, rate: batch16.drawRate, ratio: batch16.drawRate / credit.rate, vs: "single writes/s" },
      { label: `one Wallet object: top-ups/s (c=${LANES})`, n: gl.n, p50: gl.p50, p99: gl.p99, rate: growLoad.rate, ratio: growLoad.rate / credit.rate, vs: "single writes/s" },
      { label: `one Wallet object: draws/s, batches of ${BUSY_DRAWS} (c=${LANES})`, n: bl.n, p50: bl.p50, p99: bl.p99, rate: batchLoad.drawRate, ratio: batchLoad.drawRate / credit.rate, vs: "single writes/s" },
    ];
    console.log(`\nWallet benchmark: mock/echo chat completion, one tenant, 127.0.0.1, ${(elapsed() / 1000).toFixed(1)} s\n`);
    console.log(table(rows));
    console.log(
      "\nIn-Worker latencies tick in whole ms (workerd's clock). The billed path = the worst case drawn" +
        "\nfrom the isolate's lease before forwarding (no call out unless the lease runs dry or its check" +
        "\nis 100 ms old), the charge and usage row in the lease's batch 20 ms after; the baseline has none" +
        "\nof them. The RPC rows call the Wallet object directly with the calls a lease makes." +
        (resets ? `\n${resets} request(s) were retried after a connection reset.` : ""),
    );
  } finally {
    await Promise.all([withWallet.worker.dispose(), baseline.worker.dispose()]);
  }
}

main().catch((e: Error) => {
  console.error(`bench:wallet: ${e.message}`, (e as { cause?: unknown }).cause ?? "");
  process.exit(1);
});
