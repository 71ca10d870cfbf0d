// The agent loop's stream read by real clients (issue 17): the official @anthropic-ai/sdk's own
// SSE parser (Stream.fromSSEResponse — what client.messages.stream() runs on) takes the whole
// turn, qlaud.* events included, and its MessageStream accumulator rebuilds each round's
// Message from that round's events; and the generated client's typed createThreadMessageStream
// plays the same flow (search → connect URL → connect → create_issue → answer). The end user's
// connect step posts the hosted page's form (the browser version is test/browser/agent-flow).
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import { Stream } from "@anthropic-ai/sdk/streaming";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gatehouse } from "../../generated/client/index";
import { apiFor, ASK, connectByForm, connectUrlIn, expectContinuable, LINEAR_KEY, MODEL, startAgentWorld, type AgentWorld, type Api } from "./agent-harness";

let world: AgentWorld;
let api: Api;

beforeAll(async () => {
  world = await startAgentWorld();
  api = apiFor(world.worker);
});
afterAll(() => world?.dispose());

type AnyEvent = { type?: string; [k: string]: unknown };

/** One round's Anthropic events fed to the SDK's MessageStream (it reads newline-delimited JSON). */
async function messageOf(events: AnyEvent[]): Promise<Message> {
  const lines = new TextEncoder().encode(events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(lines);
      c.close();
    },
  });
  return MessageStream.fromReadableStream(body).finalMessage();
}

describe("the agent loop through the official Anthropic SDK's stream parser", () => {
  it("accepts a whole multi-round turn with the qlaud.* events, and each round accumulates to a Message", async () => {
    const threadId = await api.createThread("sdk-anthropic");
    const res = await api.post(`/v1/threads/${threadId}/messages`, { model: MODEL, max_tokens: 512, stream: true, content: ASK });
    expect(res.status).toBe(200);
    const raw: { event: string | null; data: string }[] = [];
    const parsed: AnyEvent[] = [];
    const [forRaw, forParsed] = res.body!.tee();
    const rawRes = new Response(forRaw, { headers: res.headers });
    for await (const sse of Stream.rawEvents(rawRes)) raw.push({ event: sse.event, data: sse.data });
    for await (const ev of Stream.fromSSEResponse<AnyEvent>(new Response(forParsed, { headers: res.headers }), new AbortController())) parsed.push(ev);

    // Every event came through the SDK's parser, the qlaud.* ones included (their data as JSON).
    expect(parsed).toHaveLength(raw.length);
    const names = raw.map((r) => r.event);
    expect(names.filter((n) => n?.startsWith("qlaud."))).toEqual([
      "qlaud.iteration_start",
      "qlaud.tool_dispatch_start",
      "qlaud.tool_dispatch_done",
      "qlaud.iteration_start",
      "qlaud.tool_dispatch_start",
      "qlaud.tool_dispatch_done",
      "qlaud.iteration_start",
      "qlaud.done",
    ]);
    expect(parsed.at(-1)).toMatchObject({ iterations: 3, hit_max_iterations: false });

    // Split at message_start … message_stop: three rounds, each a Message the SDK accumulates.
    const rounds: AnyEvent[][] = [];
    for (const ev of parsed) {
      if (ev.type === "message_start") rounds.push([]);
      if (typeof ev.type === "string" && rounds.length > 0 && !ev.type.startsWith("qlaud")) rounds[rounds.length - 1]!.push(ev);
    }
    const messages = await Promise.all(rounds.map(messageOf));
    expect(messages.map((m) => m.stop_reason)).toEqual(["tool_use", "tool_use", "end_turn"]);
    expect(messages[0]!.content[0]).toMatchObject({ type: "tool_use", name: "qlaud_search_tools", input: { intent: "Create a Linear ticket" } });
    expect(messages[1]!.content[0]).toMatchObject({ type: "tool_use", name: "qlaud_multi_execute", input: { calls: [{ tool: "linear/create_issue", args: { teamId: "T1", title: "Login broken" } }] } });
    const relay = messages[2]!.content[0]!;
    expect(relay.type).toBe("text");
    expect(connectUrlIn(relay.type === "text" ? relay.text : "")).toContain("/connect/");
    // Text deltas are byte-exact as the contract says (some clients match raw bytes).
    const delta = raw.find((r) => r.event === "content_block_delta" && r.data.includes("text_delta"))!;
    expect(delta.data).toMatch(/"delta":\{"type":"text_delta","text":"[^"]*"\}/);
  });
});

describe("the agent loop through the generated client's typed stream", () => {
  it("plays search → connect URL → connect → create_issue → answer with typed qlaud.* events", async () => {
    const sdk = new Gatehouse({ baseURL: world.worker.url, apiKey: world.worker.masterKey });
    const thread = await sdk.createThread({ body: { end_user_id: "sdk-typed" } });
    const run = async (content: string) => {
      const names: string[] = [];
      const tools: [string, boolean][] = [];
      let text = "";
      let done: { iterations: number; hit_max_iterations: boolean; cost_micros: number; seq: number } | undefined;
      for await (const ev of sdk.createThreadMessageStream({ path: { id: thread.id }, body: { model: MODEL, max_tokens: 512, content } })) {
        names.push(ev.event);
        if (ev.event === "message_start") text = "";
        if (ev.event === "content_block_delta" && ev.data.delta.type === "text_delta") text += ev.data.delta.text;
        if (ev.event === "qlaud.tool_dispatch_done") tools.push([ev.data.name, ev.data.ok]);
        if (ev.event === "qlaud.done") done = ev.data;
      }
      return { names, tools, text, done: done! };
    };

    const first = await run(ASK);
    expect(first.tools).toEqual([
      ["qlaud_search_tools", true],
      ["qlaud_multi_execute", false],
    ]);
    expect(first.done).toMatchObject({ iterations: 3, hit_max_iterations: false });
    expect(first.done.cost_micros).toBeGreaterThan(0);
    expect(first.names.at(-1)).toBe("qlaud.done");

    const connected = await connectByForm(connectUrlIn(first.text), { "auth.api_key": LINEAR_KEY });
    expect(connected.status, await connected.clone().text()).toBe(200);

    const second = await run("I connected it.");
    expect(second.tools).toEqual([["qlaud_multi_execute", true]]);
    expect(second.text).toContain("ENG-42");
    expect(second.done).toMatchObject({ iterations: 2, hit_max_iterations: false, seq: first.done.seq + 4 });
    expect(world.linear.requests.at(-1)!.headers.authorization).toBe(LINEAR_KEY);
    expectContinuable(await api.messages(thread.id));

    // finalTurn() on the same helper: the last round's text and the closing event.
    const final = await sdk.createThreadMessageStream({ path: { id: thread.id }, body: { model: "mock/echo", max_tokens: 64, content: "thanks" } }).finalTurn();
    expect(final.done).toMatchObject({ iterations: 1, seq: second.done.seq + 2 });
  });
});
