// One round's tool calls through dispatchToolCalls (runtime/agent/dispatch.ts) against real D1
// and the local receiver (the vendor and the webhook URLs): results in call order, client calls
// set aside, at most `concurrency` runs at once, a timeout / a vendor's refusal / a crash inside
// the tool layer each an is_error result (never a throw), and a not-connected call answering a
// connect URL that works, after which the same call succeeds.
import { describe, expect, it } from "vitest";
import { buildToolSet, dispatchToolCalls, type DispatchContext, type ToolResultBlock, type ToolSet, type ToolUseCall } from "../../runtime/agent";
import { findConnectSession } from "../../runtime/db/connect-sessions";
import { createWebhookTool } from "../../runtime/tools-api/webhook-tools";
import { seedTenant } from "./support/seed";
import { connectedAccount, freshPrefix, received, RECEIVER, script, toolsEnv } from "./support/tools";

const ISSUE = { owner: "acme", repo: "app", title: "Crash on login" };
const ANY_OBJECT = { type: "object", properties: { n: { type: "integer" } } };

async function setup() {
  const prefix = freshPrefix("agent");
  const e = toolsEnv({ CONNECTOR_GITHUB_URL: `${RECEIVER}${prefix}/gh` });
  const t = await seedTenant();
  const ctx = (endUserId: string | undefined, more: Partial<DispatchContext> = {}): DispatchContext => ({
    tenantId: t.tenantId,
    endUserId,
    origin: "http://gatehouse.test",
    now: Date.now(),
    requestId: "req_test",
    ...more,
  });
  return { e, t, prefix, ctx };
}

async function webhook(e: Env, tenantId: string, name: string, url: string): Promise<void> {
  await createWebhookTool(e, tenantId, { name, description: `The ${name} tool.`, input_schema: ANY_OBJECT, url }, Date.now());
}

let seq = 0;
function use(name: string, input: unknown = {}): ToolUseCall {
  seq += 1;
  return { id: `toolu_${seq}`, name, input };
}

function json(block: ToolResultBlock | undefined): Record<string, unknown> {
  expect(typeof block?.content).toBe("string");
  return JSON.parse(block!.content as string) as Record<string, unknown>;
}

function tokenOf(url: string): string {
  return url.split("/").pop()!;
}

describe("results and order", () => {
  it("answers every non-client call in call order, sets client calls aside, and calls onStart/onDone per run", async () => {
    const { e, t, prefix, ctx } = await setup();
    await webhook(e, t.tenantId, "slow_tool", `${RECEIVER}${prefix}/slow`);
    await webhook(e, t.tenantId, "fast_tool", `${RECEIVER}${prefix}/fast`);
    await script(`${prefix}/slow`, { body: "slow answer", delayMs: 400 });
    await script(`${prefix}/fast`, { body: "fast answer" });
    const set = await buildToolSet(e, { tools: [{ name: "slow_tool" }, { name: "fast_tool" }], clientTools: [{ name: "show_map" }] }, { tenantId: t.tenantId, endUserId: "alice" });
    const calls = [use("slow_tool", { n: 1 }), use("show_map", { place: "Oslo" }), use("fast_tool", { n: 2 }), use("no_such_tool"), use("fast_tool", { n: 3 })];
    const started: string[] = [];
    const done: [string, boolean][] = [];
    const out = await dispatchToolCalls(e, calls, set, ctx("alice", { onStart: (c) => started.push(c.id), onDone: (c, ok) => done.push([c.id, ok]) }));

    expect(out.clientCalls).toEqual([calls[1]]);
    expect(out.results.map((r) => r.tool_use_id)).toEqual([calls[0]!.id, calls[2]!.id, calls[3]!.id, calls[4]!.id]);
    expect(out.results.map((r) => r.content)).toEqual(["slow answer", "fast answer", expect.stringContaining('no tool "no_such_tool"'), "fast answer"]);
    expect(out.results.map((r) => r.is_error === true)).toEqual([false, false, true, false]);
    expect(out.results[2]!.content).toContain("slow_tool, fast_tool, show_map");
    // The fast calls finished before the slow one, yet the results keep the model's order.
    expect(done.map(([id]) => id).indexOf(calls[0]!.id)).toBeGreaterThan(done.map(([id]) => id).indexOf(calls[2]!.id));
    expect(started.sort()).toEqual([calls[0]!.id, calls[2]!.id, calls[3]!.id, calls[4]!.id].sort());
    expect(new Map(done).get(calls[3]!.id)).toBe(false);
    // The webhook got each call's own arguments.
    expect((await received(`${prefix}/fast`)).map((r) => (JSON.parse(r.raw) as { args: unknown }).args)).toEqual(expect.arrayContaining([{ n: 2 }, { n: 3 }]));
  });

  it("runs at most `concurrency` calls at once", async () => {
    const { e, t, prefix, ctx } = await setup();
    await webhook(e, t.tenantId, "wait_tool", `${RECEIVER}${prefix}/wait`);
    await script(`${prefix}/wait`, { body: "ok", delayMs: 250 });
    const set = await buildToolSet(e, { tools: [{ name: "wait_tool" }] }, { tenantId: t.tenantId, endUserId: "alice" });
    let running = 0;
    let peak = 0;
    const begun = Date.now();
    const out = await dispatchToolCalls(
      e,
      Array.from({ length: 6 }, (_, i) => use("wait_tool", { n: i })),
      set,
      ctx("alice", { concurrency: 2, onStart: () => (peak = Math.max(peak, ++running)), onDone: () => running-- }),
    );
    expect(out.results.every((r) => r.content === "ok" && r.is_error !== true)).toBe(true);
    expect(peak).toBe(2);
    // Six 250 ms calls two at a time: three waves.
    expect(Date.now() - begun).toBeGreaterThanOrEqual(700);
    expect(await received(`${prefix}/wait`)).toHaveLength(6);
  });

  it("a call past its timeout is an is_error result and the round goes on; a stopped turn runs nothing new", async () => {
    const { e, t, prefix, ctx } = await setup();
    await webhook(e, t.tenantId, "hang_tool", `${RECEIVER}${prefix}/hang`);
    await webhook(e, t.tenantId, "fast_tool", `${RECEIVER}${prefix}/fast`);
    await script(`${prefix}/hang`, { body: "too late", delayMs: 5_000 });
    await script(`${prefix}/fast`, { body: "fast answer" });
    const set = await buildToolSet(e, { tools: [{ name: "hang_tool" }, { name: "fast_tool" }] }, { tenantId: t.tenantId, endUserId: "alice" });
    const begun = Date.now();
    const out = await dispatchToolCalls(e, [use("hang_tool"), use("fast_tool")], set, ctx("alice", { timeoutMs: 300 }));
    expect(Date.now() - begun).toBeLessThan(3_000);
    expect(out.results[0]).toMatchObject({ is_error: true, content: expect.stringContaining("hang_tool timed out after 0.3 s") });
    expect(out.results[1]).toMatchObject({ content: "fast answer" });

    const stopped = new AbortController();
    stopped.abort();
    const none = await dispatchToolCalls(e, [use("fast_tool")], set, ctx("alice", { signal: stopped.signal }));
    expect(none.results[0]).toMatchObject({ is_error: true, content: expect.stringContaining("did not run") });
    expect(await received(`${prefix}/fast`)).toHaveLength(1);
  });

  it("a tool that throws (here: D1 failing under it) is an is_error result, not a failed round", async () => {
    const { e, t, ctx } = await setup();
    await webhook(e, t.tenantId, "lookup_order", `${RECEIVER}/unused`);
    const set = await buildToolSet(e, { tools: [{ name: "lookup_order" }] }, { tenantId: t.tenantId, endUserId: "alice" });
    const broken = { ...e, DB: { prepare: () => { throw new Error("D1_ERROR: database unavailable"); } } } as unknown as Env;
    const oks: boolean[] = [];
    const out = await dispatchToolCalls(broken, [use("lookup_order")], set, ctx("alice", { onDone: (_c, ok) => oks.push(ok) }));
    expect(out.results[0]).toMatchObject({ is_error: true, content: expect.stringContaining("lookup_order failed inside Gatehouse (D1_ERROR: database unavailable)") });
    expect(oks).toEqual([false]);
  });

  it("a vendor's refusal is an is_error result with its kind and reason; success is the vendor's selected text", async () => {
    const { e, t, prefix, ctx } = await setup();
    await connectedAccount(e, t.tenantId, "alice", "github", { token: "ghp_alice_secret" });
    const set = await buildToolSet(e, { tools: [{ name: "github__create_issue" }] }, { tenantId: t.tenantId, endUserId: "alice" });
    await script(`${prefix}/gh/repos/acme/app/issues`, { status: 422, body: { message: "Validation Failed for ghp_alice_secret" } });
    const refused = await dispatchToolCalls(e, [use("github__create_issue", ISSUE)], set, ctx("alice"));
    expect(refused.results[0]!.is_error).toBe(true);
    expect(json(refused.results[0])).toMatchObject({ tool: "github/create_issue", ok: false, error: { kind: "vendor", status: 422 } });
    expect(refused.results[0]!.content).not.toContain("ghp_alice_secret");
    await script(`${prefix}/gh/repos/acme/app/issues`, { status: 201, body: { html_url: "https://github.com/acme/app/issues/9" } });
    const ok = await dispatchToolCalls(e, [use("github__create_issue", ISSUE)], set, ctx("alice"));
    expect(ok.results[0]).toEqual({ type: "tool_result", tool_use_id: expect.any(String), content: "https://github.com/acme/app/issues/9" });
  });
});

describe("not connected → connect URL → connected", () => {
  it("a directly listed tool: is_error with a working connect URL; once the account is sealed, the same call runs", async () => {
    const { e, t, prefix, ctx } = await setup();
    const set = await buildToolSet(e, { tools: [{ name: "github__create_issue" }] }, { tenantId: t.tenantId, endUserId: "erin" });
    const first = await dispatchToolCalls(e, [use("github__create_issue", ISSUE)], set, ctx("erin"));
    expect(first.results[0]!.is_error).toBe(true);
    const body = json(first.results[0]);
    expect(body).toMatchObject({ tool: "github/create_issue", ok: false, status: "not_connected", connect_url: expect.stringMatching(/^http:\/\/gatehouse\.test\/connect\/[^/]+$/) });
    expect(body.message).toContain("connect_url");
    const session = await findConnectSession(e, tokenOf(body.connect_url as string), Date.now());
    expect(session?.state).toBe("open");
    expect(await received(`${prefix}/gh`)).toHaveLength(0);

    await connectedAccount(e, t.tenantId, "erin", "github", { token: "ghp_erin" });
    await script(`${prefix}/gh/repos/acme/app/issues`, { status: 201, body: { html_url: "https://github.com/acme/app/issues/1" } });
    const again = await dispatchToolCalls(e, [use("github__create_issue", ISSUE)], set, ctx("erin"));
    expect(again.results[0]).toMatchObject({ content: "https://github.com/acme/app/issues/1" });
    expect(again.results[0]!.is_error).toBeUndefined();
    expect((await received(`${prefix}/gh`)).map((r) => r.headers.authorization)).toEqual(["Bearer ghp_erin"]);
  });

  it("qlaud_multi_execute: results in order, not_connected with connect_url and expires_at, then success after connecting", async () => {
    const { e, t, prefix, ctx } = await setup();
    await webhook(e, t.tenantId, "lookup_order", `${RECEIVER}${prefix}/orders`);
    await script(`${prefix}/orders`, { body: "order 7 shipped" });
    const set = await buildToolSet(e, {}, { tenantId: t.tenantId, endUserId: "gus" });
    const execute = () =>
      dispatchToolCalls(e, [use("qlaud_multi_execute", { calls: [{ tool: "github/create_issue", args: ISSUE }, { tool: "lookup_order", args: { n: 7 } }, { tool: "nosuch/tool", args: {} }] })], set, ctx("gus"));

    const first = json((await execute()).results[0]);
    const [gh, order, unknown] = first.results as Record<string, unknown>[];
    expect(gh).toMatchObject({ tool: "github/create_issue", ok: false, status: "not_connected", connect_url: expect.stringContaining("/connect/"), expires_at: expect.any(Number) });
    expect((await findConnectSession(e, tokenOf(gh!.connect_url as string), Date.now()))?.state).toBe("open");
    expect(order).toEqual({ tool: "lookup_order", ok: true, content: "order 7 shipped" });
    expect(unknown).toMatchObject({ tool: "nosuch/tool", ok: false, error: { kind: "unknown_tool" } });

    await connectedAccount(e, t.tenantId, "gus", "github", { token: "ghp_gus" });
    await script(`${prefix}/gh/repos/acme/app/issues`, { status: 201, body: { html_url: "https://github.com/acme/app/issues/2" } });
    const second = await execute();
    expect(second.results[0]!.is_error).toBeUndefined();
    const [gh2] = json(second.results[0]).results as Record<string, unknown>[];
    expect(gh2).toEqual({ tool: "github/create_issue", ok: true, content: "https://github.com/acme/app/issues/2" });
  });

  it("qlaud_manage_connections: status, connect (a URL, one pending row however often), connected, disconnect", async () => {
    const { e, t, ctx } = await setup();
    const set = await buildToolSet(e, {}, { tenantId: t.tenantId, endUserId: "hal" });
    const manage = async (action: string, tool: string) => json((await dispatchToolCalls(e, [use("qlaud_manage_connections", { action, tool })], set, ctx("hal"))).results[0]);

    expect(await manage("status", "github/create_issue")).toEqual({ tool: "github/create_issue", status: "not_connected" });
    const a = await manage("connect", "github/create_issue");
    const b = await manage("connect", "github");
    expect(a).toMatchObject({ status: "not_connected", connect_url: expect.stringContaining("/connect/"), expires_at: expect.any(Number) });
    expect((await findConnectSession(e, tokenOf(b.connect_url as string), Date.now()))?.state).toBe("open");
    const rows = await e.DB.prepare("SELECT status FROM connections WHERE tenant_id = ? AND end_user_id = 'hal'").bind(t.tenantId).all();
    expect(rows.results).toEqual([{ status: "pending" }]);

    await connectedAccount(e, t.tenantId, "hal", "github", { token: "ghp_hal" });
    expect(await manage("status", "github__create_issue")).toMatchObject({ status: "connected" });
    expect(await manage("connect", "github")).toMatchObject({ status: "connected" });
    expect(await manage("disconnect", "github")).toMatchObject({ status: "not_connected", message: "disconnected 1 github account(s)" });
    expect(await manage("status", "github")).toMatchObject({ status: "not_connected" });
    const left = await e.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = ? AND end_user_id = 'hal' AND status != 'revoked'").bind(t.tenantId).first<{ n: number }>();
    expect(left?.n).toBe(0);

    const bad = await dispatchToolCalls(e, [use("qlaud_manage_connections", { action: "connect", tool: "nosuchapp" })], set, ctx("hal"));
    expect(bad.results[0]).toMatchObject({ is_error: true, content: expect.stringContaining("names no app") });
  });

  it("a thread of no end user: connector tools answer why they cannot run, without minting anything", async () => {
    const { e, t, ctx } = await setup();
    const set = await buildToolSet(e, {}, { tenantId: t.tenantId, endUserId: undefined });
    const out = await dispatchToolCalls(e, [use("qlaud_multi_execute", { calls: [{ tool: "github/create_issue", args: ISSUE }] })], set, ctx(undefined));
    expect(out.results[0]!.is_error).toBe(true);
    expect(json(out.results[0]).results).toEqual([{ tool: "github/create_issue", ok: false, error: { kind: "no_end_user", message: expect.stringContaining("belongs to no end user") } }]);
    const rows = await e.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});
