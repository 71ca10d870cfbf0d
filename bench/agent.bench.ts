// npm run bench:agent — what the agent loop itself adds per model round (issue 17), on this
// machine (127.0.0.1 only): the real Worker under Miniflare, the mock agent model (built in, no
// network) and a local mock vendor standing in for Linear and for a webhook tool's receiver.
// Each turn runs on a fresh thread (POST /v1/threads/:id/messages, not streamed), then is
// replayed as the separate requests it stands for (bench/agent/replay.ts: every round's model
// call as POST /v1/messages with the conversation that round saw, every tool call as the REST
// route that runs the same code). Each replayed request carries one HTTP exchange and one
// authentication the turn does not repeat; that floor is measured in the same run (a request
// refused after authentication and body parsing) and taken off each of them. So:
//   overhead per round = (turn − floor − Σ(model call − floor) − Σ(tool call − floor)) / rounds
// which is the loop's own work: lock, context, tool set, storing each round, dispatch, the
// summary. Target: p50 ≤ 3 ms. Scenarios: the headline flow in dynamic mode (search → execute
// → answer, 3 rounds) and a webhook tool listed explicitly, called 8 times (9 rounds).
// Writes its results into bench/agent.md; exits non-zero when the target is missed.
import { META_TOOLS } from "../runtime/agent/meta-tools";
import { startLocalWorker, type LocalWorker } from "../test/support/local-worker";
import { startMockVendor } from "../test/support/mock-vendor";
import { replayTurn, type ReplayTarget, type StoredMessage } from "./agent/replay";
import { benchClock } from "./lib/progress";
import { writeResults } from "./lib/readme";
import { stats, type Stats } from "./wallet/stats";

const TURNS = { flow: 40, webhook: 20 } as const;
const WARMUP = 5;
const FLOOR_PER_TURN = 4;
const TARGET_P50_MS = 3;
const DEADLINE_MS = 240_000;
const MODEL = "mock/agent";
const MAX_TOKENS = 512;
const END_USER = "bench-user";
const LINEAR_OK = { body: { data: { viewer: { id: "u1", name: "Bench" }, issueCreate: { success: true, issue: { id: "i1", identifier: "ENG-1", url: "https://linear.app/x/ENG-1" } } } } };
const HOOK = {
  name: "lookup_order",
  description: "Look up an order's shipping status.",
  input_schema: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
};

const { progress, checkDeadline } = benchClock("agent", DEADLINE_MS);

interface Scenario {
  name: string;
  rounds: number;
  body: Record<string, unknown>;
  tools: readonly unknown[];
}

interface Sample {
  turn: number;
  model: number;
  tools: number;
  overheadPerRound: number;
}

async function main(): Promise<void> {
  const vendor = await startMockVendor();
  vendor.script("/graphql", LINEAR_OK);
  const worker = await startLocalWorker({
    bindings: { VAULT_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"), CONNECTOR_LINEAR_URL: vendor.url },
    creditMicros: 1_000_000_000,
  });
  try {
    await setUp(worker, vendor.url);
    const scenarios: Scenario[] = [
      { name: "dynamic flow: search → execute → answer", rounds: 3, body: { content: 'Create a Linear ticket {"teamId":"T1","title":"Bench"}' }, tools: META_TOOLS },
      { name: "explicit webhook tool ×8", rounds: 9, body: { content: 'Look up the order {"order_id":"A-1"} repeat=8', tools_mode: "explicit", tools: [{ name: HOOK.name }], max_iterations: 10 }, tools: [HOOK] },
    ];
    const target: Omit<ReplayTarget, "tools"> = { url: worker.url, key: worker.masterKey, model: MODEL, maxTokens: MAX_TOKENS, endUserId: END_USER };
    const floors: number[] = [];
    const results: { scenario: Scenario; samples: Sample[] }[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      const turns = i === 0 ? TURNS.flow : TURNS.webhook;
      const samples: Sample[] = [];
      for (let n = 0; n < WARMUP + turns; n++) {
        checkDeadline();
        const sample = await oneTurn(worker, scenario, { ...target, tools: scenario.tools }, floors);
        if (n >= WARMUP) samples.push(sample);
      }
      progress("measured", `${scenario.name}: ${turns} turns`);
      results.push({ scenario, samples });
    }
    const floor = stats(floors).p50;
    const rows = results.map(({ scenario, samples }) => summarize(scenario, samples));
    const markdown = report(rows, floor);
    console.log(`\n${markdown}\n`);
    const file = await writeResults(markdown, "agent");
    progress("written", file);
    if (rows.some((r) => r.overhead.p50 > TARGET_P50_MS)) process.exitCode = 1;
  } finally {
    await worker.dispose();
    await vendor.close();
  }
}

/** The webhook tool, and the end user's Linear account connected through the hosted page's form. */
async function setUp(worker: LocalWorker, vendorUrl: string): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${worker.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${worker.masterKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const hook = await post("/v1/tools", { ...HOOK, url: `${vendorUrl}/hook` });
  if (hook.status !== 201) throw new Error(`registering the webhook tool: HTTP ${hook.status} ${await hook.text()}`);
  const minted = await post("/v1/connections", { end_user_id: END_USER, connector: "linear" });
  if (minted.status !== 201) throw new Error(`minting a connect URL: HTTP ${minted.status} ${await minted.text()}`);
  const { connect_url } = (await minted.json()) as { connect_url: string };
  const form = await fetch(connect_url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ "auth.api_key": "lin_api_bench" }).toString() });
  if (form.status !== 200) throw new Error(`connecting Linear: HTTP ${form.status}`);
}

async function oneTurn(worker: LocalWorker, scenario: Scenario, target: ReplayTarget, floors: number[]): Promise<Sample> {
  const headers = { authorization: `Bearer ${worker.masterKey}`, "content-type": "application/json" };
  const thread = await fetch(`${worker.url}/v1/threads`, { method: "POST", headers, body: JSON.stringify({ end_user_id: END_USER }) });
  const { id } = (await thread.json()) as { id: string };

  const t0 = performance.now();
  const res = await fetch(`${worker.url}/v1/threads/${id}/messages`, { method: "POST", headers, body: JSON.stringify({ model: MODEL, max_tokens: MAX_TOKENS, ...scenario.body }) });
  const text = await res.text();
  const turn = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${scenario.name}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const summary = JSON.parse(text) as { iterations: number; stop_reason: string };
  if (summary.iterations !== scenario.rounds || summary.stop_reason !== "end_turn") throw new Error(`${scenario.name}: expected ${scenario.rounds} rounds ending in end_turn, got ${text.slice(0, 300)}`);

  const page = await fetch(`${worker.url}/v1/threads/${id}/messages?order=asc&limit=100`, { headers });
  const messages = ((await page.json()) as { data: StoredMessage[] }).data;
  const replay = await replayTurn(target, messages);
  for (let i = 0; i < FLOOR_PER_TURN; i++) floors.push(await floorRequest(worker));
  const floor = stats(floors).p50;
  const model = replay.model.reduce((a, b) => a + b, 0);
  const tools = replay.tools.reduce((a, b) => a + b, 0);
  return { turn, model, tools, overheadPerRound: (turn - floor - (model - floor * replay.model.length) - (tools - floor * replay.tools.length)) / summary.iterations };
}

/** One HTTP exchange with authentication and a parsed body, refused before any work (400). */
async function floorRequest(worker: LocalWorker): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${worker.url}/v1/tools/execute`, { method: "POST", headers: { authorization: `Bearer ${worker.masterKey}`, "content-type": "application/json" }, body: "{}" });
  await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 400) throw new Error(`the floor request answered ${res.status}, not 400`);
  return ms;
}

interface Summary {
  scenario: Scenario;
  turn: Stats;
  model: Stats;
  tools: Stats;
  overhead: Stats;
}

function summarize(scenario: Scenario, samples: readonly Sample[]): Summary {
  return {
    scenario,
    turn: stats(samples.map((s) => s.turn)),
    model: stats(samples.map((s) => s.model)),
    tools: stats(samples.map((s) => s.tools)),
    overhead: stats(samples.map((s) => s.overheadPerRound)),
  };
}

const f = (x: number) => x.toFixed(2);

function report(rows: readonly Summary[], floor: number): string {
  const lines = [
    `Run ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, node ${process.version}; floor (one authenticated request refused at its body) p50 ${f(floor)} ms.`,
    "",
    "| scenario | turns | rounds | turn p50 ms | Σ model calls p50 ms | Σ tool calls p50 ms | loop overhead per round p50 / p99 ms | target |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const ok = r.overhead.p50 <= TARGET_P50_MS;
    lines.push(
      `| ${r.scenario.name} | ${r.turn.n} | ${r.scenario.rounds} | ${f(r.turn.p50)} | ${f(r.model.p50)} | ${f(r.tools.p50)} | ${f(r.overhead.p50)} / ${f(r.overhead.p99)} | ≤ ${TARGET_P50_MS} ms p50 ${ok ? "✓" : "✗"} |`,
    );
  }
  return lines.join("\n");
}

main().catch((e: unknown) => {
  console.error(`bench:agent failed: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
