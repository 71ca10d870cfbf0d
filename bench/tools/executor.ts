// bench:tools' executor figure: what callTool (validation, request build, auth, host guard,
// send, read, trim) adds to a bare fetch of the same URL, in this node process, against the
// local mock vendor (test/support/mock-vendor.ts) on 127.0.0.1. The two alternate call by call,
// so a drift of the machine weighs on both alike.
import { callTool } from "../../runtime/tools/connector-call";
import { startMockVendor } from "../../test/support/mock-vendor";
import { stats, type Stats } from "../wallet/stats";

const TOOL = "github/get_file_contents";
const ARGS = { owner: "octo", repo: "hello", path: "README.md" };
const PATH = "/repos/octo/hello/contents/README.md";
const REPLY = { name: "README.md", encoding: "base64", content: "SGVsbG8sIHdvcmxkIQo=".repeat(20) };

export interface ExecutorFigures {
  callTool: Stats;
  fetch: Stats;
  /** callTool − fetch, call pair by call pair. */
  diff: Stats;
}

export async function benchExecutor(calls: number): Promise<ExecutorFigures> {
  const vendor = await startMockVendor();
  try {
    vendor.script(PATH, { status: 200, body: REPLY });
    const env = { CONNECTOR_GITHUB_URL: vendor.url } as unknown as Env;
    const credential = { token: "ghp_benchmarkToken" };
    const headers = { authorization: `Bearer ${credential.token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" };
    const viaTool = async () => {
      const out = await callTool(env, TOOL, ARGS, credential, { connectionId: "bench", maxAttempts: 1 });
      if (!out.ok) throw new Error(`${TOOL} failed in the benchmark: ${out.message}`);
    };
    const bare = async () => {
      const res = await fetch(`${vendor.url}${PATH}`, { headers });
      if (!res.ok) throw new Error(`the bare fetch answered ${res.status}`);
      await res.text();
    };
    const timed = async (fn: () => Promise<void>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    for (let i = 0; i < 200; i++) await Promise.all([viaTool(), bare()]);
    const a: number[] = [];
    const b: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < calls; i++) {
      vendor.requests.length = 0;
      // Alternate which goes first, so neither always follows the other's socket reuse.
      let x: number;
      let y: number;
      if (i % 2 === 0) {
        x = await timed(viaTool);
        y = await timed(bare);
      } else {
        y = await timed(bare);
        x = await timed(viaTool);
      }
      a.push(x);
      b.push(y);
      d.push(x - y);
    }
    return { callTool: stats(a), fetch: stats(b), diff: stats(d) };
  } finally {
    await vendor.close();
  }
}
