// An MCP connector's tool through POST /v1/tools/execute: the connection's token reaches a real
// MCP server (the SDK's, started by the workers globalSetup), the answer comes back as text, a
// tool the connection never listed is unknown, and the server's isError is a tool error.
import { inject, describe, expect, it } from "vitest";
import { MCP_TEST_TOKEN } from "./setup/webhook-receiver";
import { seedTenant } from "./support/seed";
import { api, connectedAccount, toolsEnv } from "./support/tools";

const LISTED = [
  { name: "echo", description: "Echo the text back.", input_schema: { type: "object", properties: { text: { type: "string" } } }, annotations: { readOnlyHint: true } },
  { name: "fail", description: "Fail.", input_schema: { type: "object" } },
];

async function setup(token = MCP_TEST_TOKEN) {
  const e = toolsEnv({ CONNECTOR_ZAPIER_URL: inject("mcpServerUrl") });
  const t = await seedTenant();
  const id = await connectedAccount(e, t.tenantId, "alice", "zapier", { connection_token: token });
  await e.DB.prepare("UPDATE connections SET mcp_tools = ? WHERE tenant_id = ? AND id = ?").bind(JSON.stringify(LISTED), t.tenantId, id).run();
  return { e, t };
}

describe("executing an MCP connector's tool", () => {
  it("runs a listed tool with the connection's token and answers its text", async () => {
    const { e, t } = await setup();
    const res = await api(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "zapier/echo", args: { text: "hello from workerd" }, end_user_id: "alice" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tool: "zapier/echo", ok: true, status: 200, content: "hello from workerd", truncated: false });
  });

  it("a tool the connection did not list is 404; the server's isError is a tool error; a wrong token never shows", async () => {
    const { e, t } = await setup();
    expect((await api(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "zapier/add", args: { a: 1, b: 2 }, end_user_id: "alice" })).status).toBe(404);
    const failed = await api(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "zapier/fail", args: { reason: "no zap" }, end_user_id: "alice" });
    expect(failed.body).toMatchObject({ tool: "zapier/fail", ok: false, error: { kind: "vendor" } });

    const wrong = await setup("mcp_wrong_token_value");
    const refused = await api(wrong.e, "POST", "/v1/tools/execute", wrong.t.masterKey, { tool: "zapier/echo", args: { text: "x" }, end_user_id: "alice" });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false });
    expect(JSON.stringify(refused.body)).not.toContain("mcp_wrong_token_value");
  });
});

describe("an MCP connection's tools in search and schemas", () => {
  it("search finds the end user's listed MCP tools as connected; another end user does not see them", async () => {
    const { e, t } = await setup();
    const res = await api<{ data: { tool: string; connector: string; connection: string; read_only: boolean }[] }>(e, "POST", "/v1/tools/search", t.masterKey, { intent: "echo text back", end_user_id: "alice" });
    expect(res.body.data[0]).toEqual({ tool: "zapier/echo", connector: "zapier", description: "Echo the text back.", read_only: true, destructive: false, connection: "connected" });
    const bob = await api<{ data: { tool: string }[] }>(e, "POST", "/v1/tools/search", t.masterKey, { intent: "echo text back", end_user_id: "bob" });
    expect(bob.body.data.some((h) => h.tool === "zapier/echo")).toBe(false);
  });

  it("schemas resolve an MCP tool for the end user who has it, and 404 for one who does not", async () => {
    const { e, t } = await setup();
    const res = await api<{ data: { name: string; input_schema: unknown }[] }>(e, "POST", "/v1/tools/schemas", t.masterKey, { tools: ["zapier/echo"], end_user_id: "alice" });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ name: "zapier/echo", description: "Echo the text back.", input_schema: LISTED[0]!.input_schema, read_only: true, destructive: false }]);
    expect((await api(e, "POST", "/v1/tools/schemas", t.masterKey, { tools: ["zapier/echo"], end_user_id: "bob" })).status).toBe(404);
    expect((await api(e, "POST", "/v1/tools/schemas", t.masterKey, { tools: ["zapier/echo"] })).status).toBe(404);
  });
});
