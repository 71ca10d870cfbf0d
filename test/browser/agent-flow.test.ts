// The agent loop's headline flow (issue 17) end to end: the real Worker under Miniflare, the
// mock agent model (no provider key) and a local mock Linear, with the end user's step — pasting
// their key on the hosted connect page — done in a real headless Chromium, keyboard only.
//   1 prior messages are the context  2 no tools sent → dynamic (the meta-tools)  3 the model
//   searches  4 Linear comes back, not connected  5–6 the call answers with a connect URL and the
//   model relays it  7 the end user connects in the browser  8 the model calls
//   linear/create_issue with the key  9 the reply is stored, indexed, billed and streamed.
// Then the same loop with an explicit tool, a client tool round trip, and a webhook tool whose
// signature the receiving server checks itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { findChromium, launchChromium, screenshot, tabTo } from "../support/browser";
import { ledger, waitFor } from "../support/gateway-harness";
import { apiFor, ASK, connectUrlIn, expectContinuable, LINEAR_KEY, resultText, startAgentWorld, textOf, toolUses, type AgentWorld, type Api } from "../e2e/agent-harness";
import { CONNECT_RELAY } from "../../runtime/gateway/mock-agent";

const chromiumPath = findChromium();
if (!chromiumPath) console.warn("browser tests skipped: no Chromium found (set CHROMIUM_PATH, or apt-get install chromium; .ci/run installs it)");

describe.skipIf(!chromiumPath)("the agent loop end to end, the connect step in Chromium", () => {
  let world: AgentWorld;
  let api: Api;
  let browser: Browser;

  beforeAll(async () => {
    world = await startAgentWorld();
    api = apiFor(world.worker);
    browser = await launchChromium(chromiumPath!);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.dispose();
  });

  /** Step 7: the end user opens the relayed link and pastes their key, keyboard only. */
  async function connectInBrowser(url: string, key: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    expect(await page.locator("h1").innerText()).toBe("Connect Linear to test tenant");
    await tabTo(page, "auth-api_key");
    await page.keyboard.type(key);
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    expect(await page.locator("h1").innerText()).toBe("Linear is connected to test tenant");
    return page;
  }

  it("the 9 steps: search → not connected → relayed URL → connect in Chromium → create_issue → stored, indexed, billed, streamed", async () => {
    const threadId = await api.createThread("ada");
    // 1. A prior exchange, which the turn must carry as context (the model sees it).
    const prior = await api.turn(threadId, { model: "mock/echo", content: "We track bugs in Linear." });
    expect(prior.body.iterations).toBe(1);

    // 2–6. One streamed turn, no tools sent.
    const t1 = await api.streamTurn(threadId, { content: ASK });
    expect(t1.status, t1.raw).toBe(200);
    expect(t1.headers.get("x-qlaud-thread-id")).toBe(threadId);
    expect(t1.headers.get("x-qlaud-assistant-seq")).toBe("4");
    expect(t1.data<{ iteration: number }>("qlaud.iteration_start").map((e) => e.iteration)).toEqual([1, 2, 3]);
    expect(t1.data<{ name: string; ok: boolean }>("qlaud.tool_dispatch_done").map((e) => [e.name, e.ok])).toEqual([
      ["qlaud_search_tools", true],
      ["qlaud_multi_execute", false],
    ]);
    expect(t1.names.filter((n) => n === "message_start")).toHaveLength(3);
    expect(t1.names.at(-1)).toBe("qlaud.done");
    const done1 = t1.data<{ iterations: number; hit_max_iterations: boolean; cost_micros: number; seq: number }>("qlaud.done")[0]!;
    expect(done1).toMatchObject({ iterations: 3, hit_max_iterations: false });
    expect(done1.cost_micros).toBeGreaterThan(0);
    const relay = t1.texts.at(-1)!;
    expect(relay.startsWith(CONNECT_RELAY)).toBe(true);
    const connectUrl = connectUrlIn(relay);
    expect(connectUrl.startsWith(`${world.worker.url}/connect/`)).toBe(true);
    expect(world.linear.requests).toEqual([]); // nothing reached Linear without an account

    // What was stored: the search found linear/create_issue not connected; the call answered with the URL.
    const afterT1 = await api.messages(threadId);
    expect(afterT1.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant", "user", "assistant"]);
    expect(afterT1.at(-1)!.seq).toBe(done1.seq);
    const [search, execute] = [toolUses(afterT1[3]!.content)[0]!, toolUses(afterT1[5]!.content)[0]!];
    expect(search).toMatchObject({ name: "qlaud_search_tools", input: { intent: "Create a Linear ticket" } });
    const hits = JSON.parse(resultText(afterT1[4]!.content[0]!)) as { tools: { tool: string; connection: string }[] };
    expect(hits.tools.find((h) => h.tool === "linear/create_issue")).toMatchObject({ connection: "not_connected" });
    expect(execute).toMatchObject({ name: "qlaud_multi_execute", input: { calls: [{ tool: "linear/create_issue", args: { teamId: "T1", title: "Login broken" } }] } });
    expect(resultText(afterT1[6]!.content[0]!)).toContain(connectUrl);
    expectContinuable(afterT1);

    // 7. The end user connects in the browser; Linear is asked to check the key.
    const page = await connectInBrowser(connectUrl, LINEAR_KEY);
    await screenshot(page, "agent-flow-connected");
    expect(world.linear.requests.map((r) => [r.path, r.headers.authorization])).toEqual([["/graphql", LINEAR_KEY]]);
    const db = await world.worker.mf.getD1Database("DB");
    const rows = (await db.prepare("SELECT * FROM connections WHERE end_user_id = 'ada'").all<Record<string, unknown>>()).results;
    expect(rows.map((r: Record<string, unknown>) => r.status)).toEqual(["connected"]);
    for (const [column, value] of Object.entries(rows[0]!)) expect(String(value), `connections.${column}`).not.toContain(LINEAR_KEY);

    // 8. "I connected it": the same call again, now with the key, and the answer. The model finds the
    // call to repeat only in the previous turn's stored messages, so this also shows step 1 (context).
    const t2 = await api.streamTurn(threadId, { content: "I connected it." });
    expect(t2.status, t2.raw).toBe(200);
    expect(t2.data<{ name: string; ok: boolean }>("qlaud.tool_dispatch_done").map((e) => [e.name, e.ok])).toEqual([["qlaud_multi_execute", true]]);
    const created = world.linear.requests.at(-1)!;
    expect(created.headers.authorization).toBe(LINEAR_KEY);
    expect(JSON.parse(created.body)).toMatchObject({ variables: { input: { teamId: "T1", title: "Login broken" } } });
    const answer = t2.texts.at(-1)!;
    expect(answer).toContain("ENG-42");
    const done2 = t2.data<{ iterations: number; cost_micros: number; seq: number }>("qlaud.done")[0]!;
    expect(done2.iterations).toBe(2);

    // 9. Stored as whole messages, continuable, and nowhere the key.
    const all = await api.messages(threadId);
    expect(all).toHaveLength(12);
    expect(all.at(-1)).toMatchObject({ seq: done2.seq, role: "assistant" });
    expect(textOf(all.at(-1)!.content)).toBe(answer);
    expectContinuable(all);
    expect(JSON.stringify(all)).not.toContain(LINEAR_KEY);
    // Billed: each round is its own charge (round n > 1 under `<request id>.r<n>`), summing to the cost qlaud.done reported.
    const requestId = t2.headers.get("x-qlaud-request-id")!;
    const charged = await waitFor(async () => {
      const charges = (await ledger(world.worker)).filter((e) => e.request_id === requestId || e.request_id?.startsWith(`${requestId}.r`));
      const sum = charges.reduce((n, e) => n + Math.abs(e.amount_micros), 0);
      return charges.length === 2 && sum;
    }, "the turn's charges");
    expect(charged).toBe(done2.cost_micros);
    // Indexed: the answer is found by search.
    const hit = await waitFor(async () => {
      const res = await api.get("/v1/search?q=ENG-42&end_user_id=ada");
      const found = ((await res.json()) as { data: { thread_id: string; seq: number }[] }).data;
      return found.length > 0 && found;
    }, "the answer in search");
    expect(hit.map((h) => h.thread_id)).toContain(threadId);
  });

  it("an explicit tool: listed by its wire name, run with the connected account, answered", async () => {
    const threadId = await api.createThread("ada");
    const before = world.linear.requests.length;
    const { body } = await api.turn(threadId, {
      content: 'File it {"teamId":"T9","title":"Explicit tool"}',
      tools_mode: "explicit",
      tools: [{ name: "linear__create_issue" }],
    });
    expect(body).toMatchObject({ iterations: 2, stop_reason: "end_turn" });
    expect(textOf(body.content)).toContain("ENG-42");
    expect(JSON.parse(world.linear.requests.slice(before).at(-1)!.body)).toMatchObject({ variables: { input: { teamId: "T9", title: "Explicit tool" } } });
    const stored = await api.messages(threadId);
    expect(toolUses(stored[1]!.content)[0]).toMatchObject({ name: "linear__create_issue", input: { teamId: "T9", title: "Explicit tool" } });
    expectContinuable(stored);
  });

  it("tenant mode: the end user's connected connector's tools listed directly (wire names); the named one runs", async () => {
    const threadId = await api.createThread("ada");
    const before = world.linear.requests.length;
    const { body } = await api.turn(threadId, { content: 'File it with linear/create_issue {"teamId":"T3","title":"Tenant mode"}', tools_mode: "tenant" });
    expect(body).toMatchObject({ iterations: 2, stop_reason: "end_turn" });
    expect(textOf(body.content)).toContain("ENG-42");
    expect(JSON.parse(world.linear.requests.slice(before).at(-1)!.body)).toMatchObject({ variables: { input: { teamId: "T3", title: "Tenant mode" } } });
    expect(toolUses((await api.messages(threadId))[1]!.content)[0]).toMatchObject({ name: "linear__create_issue" });
  });

  it("a client tool round trip: the turn stops with tool_use, the app's tool_result continues it", async () => {
    const threadId = await api.createThread("ada");
    const clientTools = [{ name: "get_weather", description: "The weather in a city (the app runs it).", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
    const first = await api.turn(threadId, { content: 'Use get_weather {"city":"Oslo"}', client_tools: clientTools });
    expect(first.body).toMatchObject({ stop_reason: "tool_use", iterations: 1 });
    const call = toolUses(first.body.content)[0]!;
    expect(call).toMatchObject({ name: "get_weather", input: { city: "Oslo" } });
    expectContinuable(await api.messages(threadId), [call.id!]);

    const second = await api.turn(threadId, { content: [{ type: "tool_result", tool_use_id: call.id, content: "4 °C and sunny" }], client_tools: clientTools });
    expect(second.body).toMatchObject({ stop_reason: "end_turn", iterations: 1 });
    expect(textOf(second.body.content)).toBe("Done. get_weather returned: 4 °C and sunny");
    const stored = await api.messages(threadId);
    expect(stored).toHaveLength(4);
    expectContinuable(stored);
  });

  it("a webhook tool: found by search, called signed, the receiver verifies the signature before answering", async () => {
    const res = await api.post("/v1/tools", {
      name: "lookup_order",
      description: "Look up an order's shipping status.",
      input_schema: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
      url: `${world.hooks.url}/orders`,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    world.hooks.secret = ((await res.json()) as { signing_secret: string }).signing_secret;
    expect(world.hooks.secret).toMatch(/^whts_[0-9a-f]{64}$/);

    const threadId = await api.createThread("ada");
    const t = await api.streamTurn(threadId, { content: 'Look up the order status {"order_id":"A-17"}' });
    expect(t.status, t.raw).toBe(200);
    expect(t.data<{ name: string; ok: boolean }>("qlaud.tool_dispatch_done").map((e) => [e.name, e.ok])).toEqual([
      ["qlaud_search_tools", true],
      ["qlaud_multi_execute", true],
    ]);
    expect(world.hooks.received).toHaveLength(1);
    const hook = world.hooks.received[0]!;
    expect(hook.verified).toBe(true);
    expect(JSON.parse(hook.raw)).toMatchObject({ tool: "lookup_order", args: { order_id: "A-17" }, end_user_id: "ada" });
    expect(t.texts.at(-1)).toContain("shipped");
    expectContinuable(await api.messages(threadId));

    // The receiver really checks: the same body under a wrong secret is refused.
    world.hooks.secret = "whts_wrong";
    const again = await api.turn(await api.createThread("ada"), { content: 'Look up the order status {"order_id":"A-18"}' });
    expect(world.hooks.received.at(-1)!.verified).toBe(false);
    expect(textOf(again.body.content)).toMatch(/^The tool failed: /);
  });
});
