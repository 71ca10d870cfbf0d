// The agent loop under faults (issue 17), end to end with the mock agent model and a local mock
// Linear: a vendor 500 then success (the model retries), the spending cap reached between rounds
// (a 402-style qlaud.error, earlier rounds stored whole), a client that disconnects mid-turn (the
// round in flight completes and is stored, no further round), max_iterations reached, and a
// vendor that never answers (an is_error result after the tool timeout, TOOL_TIMEOUT_MS = 3 s here; the turn completes).
// After each, the stored thread is one the next turn can continue.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ledger, waitFor } from "../support/gateway-harness";
import { callThenHangUp } from "../support/hangup-client";
import { apiFor, ASK, connectByForm, expectContinuable, LINEAR_KEY, LINEAR_OK, MODEL, resultText, startAgentWorld, textOf, toolUses, type AgentWorld, type Api } from "./agent-harness";

let world: AgentWorld;
let api: Api;
const USER = "faults-user";

beforeAll(async () => {
  world = await startAgentWorld({ TOOL_TIMEOUT_MS: "3000" }, { hangupClient: true });
  api = apiFor(world.worker);
  // The end user's Linear account, connected once through the hosted page's form.
  const minted = await api.post("/v1/connections", { end_user_id: USER, connector: "linear" });
  expect(minted.status, await minted.clone().text()).toBe(201);
  const res = await connectByForm(((await minted.json()) as { connect_url: string }).connect_url, { "auth.api_key": LINEAR_KEY });
  expect(res.status).toBe(200);
});
afterAll(() => world?.dispose());
beforeEach(() => {
  world.linear.requests.length = 0;
  world.linear.script("/graphql", LINEAR_OK);
});

/** Linear's create_issue calls (not the connect page's viewer check). */
const creates = () => world.linear.requests.filter((r) => r.body.includes("issueCreate"));
const dispatched = (events: { name: string; ok: boolean }[]) => events.map((e) => [e.name, e.ok]);

/** The turn's charges: round 1 under the request id, round n under `<id>.r<n>`. */
async function charges(requestId: string, rounds: number): Promise<number[]> {
  return waitFor(async () => {
    const found = (await ledger(world.worker)).filter((e) => e.type === "charge" && (e.request_id === requestId || e.request_id?.startsWith(`${requestId}.r`)));
    return found.length >= rounds && found.map((e) => -e.amount_micros);
  }, `${rounds} charges of ${requestId}`);
}

describe("the agent loop under faults", () => {
  it("a vendor 500, then success: the failure goes back to the model, which calls again; the turn answers", async () => {
    world.linear.script("/graphql", { status: 500, body: { errors: [{ message: "internal error" }] } }, LINEAR_OK);
    const threadId = await api.createThread(USER);
    const t = await api.streamTurn(threadId, { content: ASK });
    expect(t.status, t.raw).toBe(200);
    expect(dispatched(t.data("qlaud.tool_dispatch_done"))).toEqual([
      ["qlaud_search_tools", true],
      ["qlaud_multi_execute", false],
      ["qlaud_multi_execute", true],
    ]);
    expect(creates()).toHaveLength(2);
    expect(t.data("qlaud.done")[0]).toMatchObject({ iterations: 4, hit_max_iterations: false });
    expect(t.texts.at(-1)).toContain("ENG-42");
    const stored = await api.messages(threadId);
    const failed = stored[4]!.content[0]!;
    expect(failed).toMatchObject({ type: "tool_result", is_error: true });
    expect(resultText(failed)).toMatch(/"status":500/);
    expectContinuable(stored);
  });

  it("the cap reached between rounds: round 1 stored whole with its results, a cap_exceeded qlaud.error, no qlaud.done", async () => {
    // Measured: round 1 may cost ≤ $0.004 (it passes), round 2 up to ≈ $0.0066 with round 1 held (it is refused).
    const made = await api.post("/v1/keys", { name: "capped", scope: "standard", end_user_id: USER, max_spend_usd: 0.005 });
    expect(made.status).toBe(201);
    const capped = apiFor(world.worker, ((await made.json()) as { secret: string }).secret);
    const threadId = await capped.createThread(null);
    const t = await capped.streamTurn(threadId, { content: ASK });
    expect(t.status, t.raw).toBe(200);
    expect(t.data("qlaud.iteration_start")).toHaveLength(2);
    const [error] = t.data<{ type: string; message: string }>("qlaud.error");
    expect(error?.type).toBe("cap_exceeded");
    expect(error?.message).toContain("round 1 is stored (the thread ends at seq 3)");
    expect(t.names).not.toContain("qlaud.done");
    expect(t.names.at(-1)).toBe("qlaud.error");
    const stored = await capped.messages(threadId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(toolUses(stored[1]!.content)[0]?.name).toBe("qlaud_search_tools");
    expect(stored[2]!.content[0]).toMatchObject({ type: "tool_result", tool_use_id: toolUses(stored[1]!.content)[0]!.id });
    expectContinuable(stored);
    expect(await charges(t.headers.get("x-qlaud-request-id")!, 1)).toHaveLength(1);

    // Non-streaming, on a fresh thread: the same refusal as the status.
    const whole = await capped.post(`/v1/threads/${await capped.createThread(null)}/messages`, { model: MODEL, max_tokens: 512, content: ASK });
    expect(whole.status).toBe(402);
    expect(((await whole.json()) as { error: { type: string } }).error.type).toBe("cap_exceeded");
  });

  it("a client disconnect mid-turn: the round in flight completes and is stored, no round after it", async () => {
    world.linear.script("/graphql", { ...LINEAR_OK, delayMs: 1500 });
    const threadId = await api.createThread(USER);
    // Hang up once the execute call has started running (its qlaud.tool_dispatch_start went out).
    const call = await callThenHangUp(world.worker, {
      path: `/v1/threads/${threadId}/messages`,
      key: world.worker.masterKey,
      body: { model: MODEL, max_tokens: 512, stream: true, content: ASK },
      hangUpAfterText: '"name":"qlaud_multi_execute"}',
    });
    const { status, requestId, text } = await call.result;
    expect(status).toBe(200);
    expect(text).not.toContain('"name":"qlaud_multi_execute","ok"');

    // The call still reaches Linear and its result is stored; then the loop stops (no answer round).
    const stored = await waitFor(async () => {
      const m = await api.messages(threadId);
      return m.length >= 5 && m;
    }, "the disconnected turn's rounds to be stored");
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(creates()).toHaveLength(1);
    expect(resultText(stored[4]!.content[0]!)).toContain("ENG-42");
    expectContinuable(stored);
    expect(await charges(requestId!, 2)).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect((await api.messages(threadId)).length, "no round after the disconnect").toBe(5);
    // The lock is free: the next turn runs, and the model answers from the stored result.
    const next = await api.turn(threadId, { model: "mock/echo", content: "still there?" });
    expect(next.body.iterations).toBe(1);
  });

  it("max_iterations reached: the pending call is answered is_error, hit_max_iterations is true", async () => {
    const threadId = await api.createThread(USER);
    const t = await api.streamTurn(threadId, { content: ASK, max_iterations: 2 });
    expect(t.status, t.raw).toBe(200);
    const done = t.data<{ iterations: number; hit_max_iterations: boolean; seq: number }>("qlaud.done")[0]!;
    expect(done).toMatchObject({ iterations: 2, hit_max_iterations: true });
    expect(creates()).toHaveLength(0);
    const stored = await api.messages(threadId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(done.seq).toBe(stored.at(-1)!.seq);
    expect(stored[4]!.content[0]).toMatchObject({ type: "tool_result", is_error: true });
    expect(resultText(stored[4]!.content[0]!)).toContain("max_iterations (2)");
    expectContinuable(stored);
    // Non-streaming says the same in its summary's stop_reason.
    const whole = await api.turn(await api.createThread(USER), { content: ASK, max_iterations: 1 });
    expect(whole.body).toMatchObject({ iterations: 1, stop_reason: "tool_use" });
  });

  it(
    "a vendor that never answers: an is_error result after the tool timeout, and the turn completes",
    async () => {
      world.linear.script("/graphql", { ...LINEAR_OK, delayMs: 10_000 });
      const threadId = await api.createThread(USER);
      const started = Date.now();
      const { body } = await api.turn(threadId, { content: ASK });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(body).toMatchObject({ iterations: 3, stop_reason: "end_turn" });
      expect(textOf(body.content)).toMatch(/^The tool failed: .*(timed out|did not answer in time)/);
      const stored = await api.messages(threadId);
      expect(stored[4]!.content[0]).toMatchObject({ type: "tool_result", is_error: true });
      expectContinuable(stored);
    },
    30_000,
  );
});
