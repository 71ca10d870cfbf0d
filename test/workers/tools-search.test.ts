// POST /v1/tools/search and /v1/tools/schemas: catalog hits with the end user's connection
// state, the tenant's webhook tools among them, schemas in the order asked, unknown names 404.
import { describe, expect, it } from "vitest";
import { seedTenant } from "./support/seed";
import { api, connectedAccount, RECEIVER, standardKey, toolsEnv } from "./support/tools";

interface Hit {
  tool: string;
  connector: string | null;
  connection: string;
  read_only: boolean;
  destructive: boolean;
  description: string;
}
interface Schema {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  read_only: boolean;
  destructive: boolean;
}
interface ErrorBody {
  error: { type: string; message: string };
}

const ORDER_TOOL = {
  name: "lookup_order",
  description: "Look up a customer's order by its number.",
  input_schema: { type: "object", properties: { number: { type: "string" } }, required: ["number"] },
  url: `${RECEIVER}/search-orders`,
};

async function search(e: Env, key: string, body: Record<string, unknown>) {
  return api<{ object: string; data: Hit[] }>(e, "POST", "/v1/tools/search", key, body);
}

describe("tool search", () => {
  it("marks tools connected for the end user who holds an account, not for another", async () => {
    const e = toolsEnv();
    const t = await seedTenant();
    await connectedAccount(e, t.tenantId, "alice", "github", { token: "ghp_a" });
    const alice = await standardKey(e, t.masterKey, "alice");

    const mine = await search(e, alice, { intent: "open an issue on github", limit: 3 });
    expect(mine.status).toBe(200);
    expect(mine.body.object).toBe("list");
    expect(mine.body.data[0]).toMatchObject({ tool: "github/create_issue", connector: "github", connection: "connected", read_only: false, destructive: false });
    expect(mine.body.data.length).toBeLessThanOrEqual(3);

    const bobs = await search(e, t.masterKey, { intent: "open an issue on github", end_user_id: "bob" });
    expect(bobs.body.data[0]).toMatchObject({ tool: "github/create_issue", connection: "not_connected" });
    expect(bobs.body.data.filter((h) => h.connector === "github").every((h) => h.connection === "not_connected")).toBe(true);
    expect((await search(e, alice, { intent: "issue", end_user_id: "bob" })).status).toBe(403);
  });

  it("the tenant's webhook tools match their words, needing no account; another tenant's do not appear", async () => {
    const e = toolsEnv();
    const t = await seedTenant();
    expect((await api(e, "POST", "/v1/tools", t.masterKey, ORDER_TOOL)).status).toBe(201);
    const res = await search(e, t.masterKey, { intent: "look up an order" });
    expect(res.body.data[0]).toEqual({ tool: "lookup_order", connector: null, description: ORDER_TOOL.description, read_only: false, destructive: false, connection: "not_required" });
    const other = await seedTenant();
    expect((await search(e, other.masterKey, { intent: "look up an order" })).body.data.some((h) => h.tool === "lookup_order")).toBe(false);
  });

  it("limit bounds the answer; a limit above 50 is a 400", async () => {
    const e = toolsEnv();
    const t = await seedTenant();
    expect((await search(e, t.masterKey, { intent: "list create issue message", limit: 2 })).body.data).toHaveLength(2);
    expect((await search(e, t.masterKey, { intent: "issue", limit: 51 })).status).toBe(400);
  });
});

describe("tool schemas", () => {
  it("answers connector and webhook tools in the order asked; any unknown name is a 404 naming every one", async () => {
    const e = toolsEnv();
    const t = await seedTenant();
    await api(e, "POST", "/v1/tools", t.masterKey, ORDER_TOOL);
    const res = await api<{ data: Schema[] }>(e, "POST", "/v1/tools/schemas", t.masterKey, { tools: ["lookup_order", "github/create_issue"] });
    expect(res.status).toBe(200);
    expect(res.body.data.map((s) => s.name)).toEqual(["lookup_order", "github/create_issue"]);
    expect(res.body.data[0]).toEqual({ name: "lookup_order", description: ORDER_TOOL.description, input_schema: ORDER_TOOL.input_schema, read_only: false, destructive: false });
    expect(res.body.data[1]?.input_schema).toMatchObject({ type: "object", required: ["owner", "repo", "title"] });

    const missing = await api<ErrorBody>(e, "POST", "/v1/tools/schemas", t.masterKey, { tools: ["github/create_issue", "github/nope", "no_such_hook"] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('"github/nope"');
    expect(missing.body.error.message).toContain('"no_such_hook"');
    const other = await seedTenant();
    expect((await api(e, "POST", "/v1/tools/schemas", other.masterKey, { tools: ["lookup_order"] })).status).toBe(404);
  });
});
