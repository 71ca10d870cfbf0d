// The discovery meta-tools through dispatchToolCalls, against real D1: qlaud_search_tools answers
// only tools that exist, the ones the end user can run now first, within its token budget;
// qlaud_get_tool_schemas answers the known names' schemas and names the unknown ones.
import { describe, expect, it } from "vitest";
import { buildToolSet, dispatchToolCalls, type ToolUseCall } from "../../runtime/agent";
import { SEARCH_RESULT_TOKENS } from "../../runtime/agent/meta-tools";
import { estimateTokens } from "../../runtime/threads/context-window";
import { catalogTool } from "../../runtime/tools-api/catalog";
import { createWebhookTool } from "../../runtime/tools-api/webhook-tools";
import { seedTenant } from "./support/seed";
import { connectedAccount, RECEIVER, toolsEnv } from "./support/tools";

interface Item {
  tool: string;
  description: string;
  connection: string;
}

let seq = 0;
async function setup() {
  const e = toolsEnv();
  const t = await seedTenant();
  await createWebhookTool(e, t.tenantId, { name: "lookup_order", description: "Look up a customer's order by its number.", input_schema: { type: "object" }, url: `${RECEIVER}/unused` }, Date.now());
  const run = async (endUserId: string, name: string, input: unknown) => {
    const set = await buildToolSet(e, {}, { tenantId: t.tenantId, endUserId });
    const call: ToolUseCall = { id: `toolu_${++seq}`, name, input };
    const out = await dispatchToolCalls(e, [call], set, { tenantId: t.tenantId, endUserId, origin: "http://gatehouse.test", now: Date.now(), requestId: "req_test" });
    const block = out.results[0]!;
    return { isError: block.is_error === true, body: JSON.parse(block.content as string) as Record<string, unknown> };
  };
  const search = async (endUserId: string, input: Record<string, unknown>) => {
    const r = await run(endUserId, "qlaud_search_tools", input);
    return { ...r, tools: (r.body.tools ?? []) as Item[] };
  };
  return { e, t, run, search };
}

describe("qlaud_search_tools", () => {
  it("finds a vendor's tool by intent, with the end user's connection state", async () => {
    const { e, t, search } = await setup();
    const before = await search("alice", { intent: "create github issue" });
    expect(before.isError).toBe(false);
    expect(before.tools.find((h) => h.tool === "github/create_issue")).toMatchObject({ connection: "not_connected" });
    await connectedAccount(e, t.tenantId, "alice", "github", { token: "ghp_alice" });
    const after = await search("alice", { intent: "create github issue" });
    expect(after.tools.find((h) => h.tool === "github/create_issue")).toMatchObject({ connection: "connected" });
    // Another end user's account changes nothing for bob.
    expect((await search("bob", { intent: "create github issue" })).tools.find((h) => h.tool === "github/create_issue")?.connection).toBe("not_connected");
  });

  it("puts the tools the end user can run now before the ones that need connecting", async () => {
    const { e, t, search } = await setup();
    const intent = { intent: "create an issue or ticket", limit: 12 };
    const before = (await search("carol", intent)).tools;
    const linearAt = before.findIndex((h) => h.tool.startsWith("linear/"));
    // Unconnected, relevance alone decides, and some other vendor's tool ranks above Linear's.
    expect(linearAt).toBeGreaterThan(0);
    await connectedAccount(e, t.tenantId, "carol", "linear", { api_key: "lin_carol" });
    const after = (await search("carol", intent)).tools;
    const firstNotConnected = after.findIndex((h) => h.connection === "not_connected");
    const lastRunnable = after.map((h) => h.connection !== "not_connected").lastIndexOf(true);
    expect(after[0]!.tool.startsWith("linear/")).toBe(true);
    expect(lastRunnable).toBeLessThan(firstNotConnected);
    expect(after.filter((h) => h.tool.startsWith("linear/")).every((h) => h.connection === "connected")).toBe(true);
  });

  it("never answers a tool that does not exist: every hit is a catalog tool or the tenant's webhook tool", async () => {
    const { search } = await setup();
    const intents = ["create issue", "send a message to a channel", "refund a payment", "list my pull requests", "look up order", "schedule a meeting", "post to discord", "search the web", "monitor errors", "send sms", "move a trello card", "customer support conversation", "zzqx unknown gibberish", "delete everything"];
    let seen = 0;
    for (const intent of intents) {
      const { tools } = await search("dan", { intent, limit: 20 });
      for (const h of tools) {
        seen += 1;
        if (h.tool === "lookup_order") continue;
        expect(await catalogTool(h.tool), `${intent} → ${h.tool}`).not.toBeNull();
      }
    }
    expect(seen).toBeGreaterThan(30);
    const none = await search("dan", { intent: "zzqx qwvj" });
    expect(none.tools).toEqual([]);
    expect(none.body.message).toContain("no tool matches");
  });

  it(`answers at most limit hits, trimmed to ${SEARCH_RESULT_TOKENS} tokens, descriptions cut short`, async () => {
    const { search } = await setup();
    const three = await search("erin", { intent: "create", limit: 3 });
    expect(three.tools).toHaveLength(3);
    const wide = await search("erin", { intent: "create list update get send delete issue message payment", limit: 20 });
    expect(wide.tools.length).toBeGreaterThan(3);
    expect(estimateTokens(wide.body)).toBeLessThanOrEqual(SEARCH_RESULT_TOKENS);
    for (const h of wide.tools) expect(h.description.length).toBeLessThanOrEqual(160);
    expect(typeof wide.body.omitted === "number" || wide.tools.length === 20).toBe(true);
  });

  it("without an intent: an is_error answer saying what to send", async () => {
    const { search } = await setup();
    const r = await search("fay", {});
    expect(r.isError).toBe(true);
    expect(r.body.error).toContain("intent is required");
  });
});

describe("qlaud_get_tool_schemas", () => {
  it("answers the known tools' schemas (real or wire names, webhook tools too) and names the unknown ones", async () => {
    const { run } = await setup();
    const r = await run("gus", "qlaud_get_tool_schemas", { tools: ["github/create_issue", "github__get_issue", "lookup_order", "nosuch/tool"] });
    expect(r.isError).toBe(false);
    const tools = r.body.tools as { tool: string; input_schema: Record<string, unknown> }[];
    expect(tools.map((x) => x.tool)).toEqual(["github/create_issue", "github/get_issue", "lookup_order"]);
    expect((tools[0]!.input_schema.properties as Record<string, unknown>).title).toBeDefined();
    expect(r.body.unknown).toEqual(["nosuch/tool"]);
  });

  it("only unknown names, or none: an is_error answer", async () => {
    const { run } = await setup();
    const unknown = await run("gus", "qlaud_get_tool_schemas", { tools: ["nosuch/tool"] });
    expect(unknown).toMatchObject({ isError: true, body: { error: expect.stringContaining('no tool named "nosuch/tool"') } });
    const empty = await run("gus", "qlaud_get_tool_schemas", { tools: [] });
    expect(empty.isError).toBe(true);
  });
});
