// The MCP client inside workerd (the Workers runtime), not just node: a probe Worker bundled
// from runtime/tools/mcp the way wrangler bundles Gatehouse runs under Miniflare and calls the
// same real SDK test server. This is where Ajv's `new Function`, a missing Web API or a socket
// left open would show up.
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { McpTool } from "../../../runtime/tools/mcp";
import type { ToolError, ToolOutcome } from "../../../runtime/tools/types";
import { startMcpServer, type TestMcpServer } from "../../support/mcp-server";
import { ROOT, WORKERD_BUNDLE } from "../../support/local-worker";

const TOKEN = "zap_conn_SECRET_token_workerd_42";
const WRONG = "zap_conn_WRONG_token_workerd_17";

// The probe: one job per request, answered with what the functions returned (or threw), and the runtime it ran in.
const PROBE = `
import { callMcpTool, listMcpTools, McpFailure } from "./runtime/tools/mcp/index.ts";
export default {
  async fetch(request, env) {
    const job = await request.json();
    const runtime = navigator.userAgent;
    if (job.op === "list") {
      try {
        return Response.json({ runtime, tools: await listMcpTools(env, job.url, job.token, job.opts ?? {}) });
      } catch (err) {
        if (err instanceof McpFailure) return Response.json({ runtime, failure: err.outcome });
        return Response.json({ runtime, crash: String(err && err.stack || err) });
      }
    }
    return Response.json({ runtime, outcome: await callMcpTool(env, job.url, job.token, job.name, job.args, job.opts ?? {}) });
  },
};
`;

interface ProbeAnswer {
  runtime: string;
  tools?: McpTool[];
  failure?: ToolError;
  outcome?: ToolOutcome;
  crash?: string;
}

let server: TestMcpServer;
let mf: Miniflare;

async function probe(job: Record<string, unknown>): Promise<ProbeAnswer> {
  const res = await mf.dispatchFetch("http://probe.local/", { method: "POST", body: JSON.stringify({ url: server.url, ...job }) });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as ProbeAnswer;
  expect(answer.runtime).toBe("Cloudflare-Workers");
  expect(answer.crash).toBeUndefined();
  return answer;
}

beforeAll(async () => {
  server = await startMcpServer({ token: TOKEN, pageSize: 2 });
  const out = await build({
    ...WORKERD_BUNDLE,
    stdin: { contents: PROBE, resolveDir: ROOT, sourcefile: "mcp-probe.ts", loader: "ts" },
  });
  mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(ROOT, "mcp-probe.js"), contents: out.outputFiles[0]!.text }],
    // As wrangler.toml.
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
    bindings: { ENVIRONMENT: "development" },
  });
  await mf.ready;
});
afterAll(async () => {
  await mf?.dispose();
  await server?.close();
});
beforeEach(() => server.reset());

describe("MCP inside workerd", () => {
  it("lists every page of tools (output schemas compiled without eval) and ends the session", async () => {
    const { tools } = await probe({ op: "list", token: TOKEN });
    expect(tools!.map((t) => t.name)).toEqual(["echo", "add", "fail", "slow", "big", "mixed", "whoami"]);
    expect(tools![1]).toMatchObject({ name: "add", input_schema: { required: ["a", "b"] }, annotations: { readOnlyHint: true } });
    expect(server.requests.filter((r) => r.rpc.includes("tools/list"))).toHaveLength(4);
    for (const r of server.requests) expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests.filter((r) => r.method === "GET")).toHaveLength(0);
    expect(server.requests.filter((r) => r.method === "DELETE")).toHaveLength(1);
    expect(server.openSessions()).toBe(0);
  });

  it("calls a tool and reads the SSE answer", async () => {
    expect((await probe({ op: "call", token: TOKEN, name: "echo", args: { text: "from workerd" } })).outcome).toEqual({ ok: true, status: 200, content: "from workerd", truncated: false });
    expect((await probe({ op: "call", token: TOKEN, name: "add", args: { a: 40, b: 2 } })).outcome).toEqual({ ok: true, status: 200, content: "42", truncated: false });
    expect((await probe({ op: "call", token: TOKEN, name: "whoami", args: {} })).outcome).toEqual({ ok: true, status: 200, content: "you are Bearer [redacted]", truncated: false });
  });

  it("isError → ok false, kind vendor", async () => {
    const { outcome } = await probe({ op: "call", token: TOKEN, name: "fail", args: { reason: "nope" } });
    expect(outcome).toEqual({ ok: false, kind: "vendor", status: 502, retryable: false, message: "the MCP tool fail failed: could not do it: nope" });
  });

  it("a wrong token is refused with a clear message that does not hold it", async () => {
    const list = await probe({ op: "list", token: WRONG });
    expect(list.failure).toMatchObject({ kind: "missing_credential", status: 401 });
    expect(list.failure!.message).toContain("refused the connection token");
    expect(list.failure!.message).toContain("token [redacted] is not valid");
    const call = await probe({ op: "call", token: WRONG, name: "echo", args: { text: "x" } });
    expect(call.outcome).toMatchObject({ ok: false, kind: "missing_credential", status: 401 });
    expect(JSON.stringify([list, call])).not.toContain(WRONG);
  });

  it("times out within the deadline", async () => {
    const started = Date.now();
    const { outcome } = await probe({ op: "call", token: TOKEN, name: "slow", args: { ms: 5_000 }, opts: { timeoutMs: 400 } });
    expect(outcome).toMatchObject({ ok: false, kind: "timeout", status: 504, retryable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("max_chars and the byte cap hold", async () => {
    const cut = await probe({ op: "call", token: TOKEN, name: "big", args: { chars: 300 }, opts: { maxChars: 10 } });
    expect(cut.outcome).toEqual({ ok: true, status: 200, truncated: true, content: "yyyyyyyyyy\n…[truncated: showing 10 of 300 characters]" });
    const capped = await probe({ op: "call", token: TOKEN, name: "big", args: { chars: 100_000 }, opts: { maxBodyBytes: 20_000 } });
    expect(capped.outcome).toMatchObject({ ok: false, kind: "vendor", status: 502 });
  });
});
