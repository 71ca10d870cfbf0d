// The tools a turn offers the model (runtime/agent/tool-set.ts), against real D1: dynamic is the
// four meta-tools, explicit is the request's tools classified (catalog in wire form, the
// tenant's webhook tool, else the app's), tenant lists the webhook tools and every connected
// connector's tools; client_tools join every mode; bad or clashing names are 400s naming the field.
import { describe, expect, it } from "vitest";
import { buildToolSet } from "../../runtime/agent";
import { manifests } from "../../generated/connectors/catalog";
import { ApiError } from "../../runtime/errors";
import { createWebhookTool } from "../../runtime/tools-api/webhook-tools";
import { seedTenant } from "./support/seed";
import { connectedAccount, freshPrefix, RECEIVER, toolsEnv } from "./support/tools";

const META = ["qlaud_search_tools", "qlaud_get_tool_schemas", "qlaud_multi_execute", "qlaud_manage_connections"];
const ORDER_SCHEMA = { type: "object", properties: { number: { type: "string" } }, required: ["number"] };
const CLIENT_TOOL = { name: "show_map", description: "Show a map in the app.", input_schema: { type: "object", properties: { place: { type: "string" } } } };

async function setup() {
  const e = toolsEnv();
  const t = await seedTenant();
  await createWebhookTool(e, t.tenantId, { name: "lookup_order", description: "Look up an order.", input_schema: ORDER_SCHEMA, url: `${RECEIVER}${freshPrefix("orders")}` }, Date.now());
  return { e, t };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("dynamic mode", () => {
  it("is the default without tools: the four meta-tools, then client tools; classify maps each back", async () => {
    const { e, t } = await setup();
    const set = await buildToolSet(e, { clientTools: [CLIENT_TOOL] }, { tenantId: t.tenantId, endUserId: "alice" });
    expect(set.mode).toBe("dynamic");
    expect(set.definitions.map((d) => d.name)).toEqual([...META, "show_map"]);
    expect(set.definitions[4]).toEqual(CLIENT_TOOL);
    for (const m of META) expect(set.classify(m)).toEqual({ kind: "meta", tool: m });
    expect(set.classify("show_map")).toEqual({ kind: "client", tool: "show_map" });
    // Nothing else is callable: not a webhook tool, not a catalog tool in either form.
    expect(set.classify("lookup_order")).toBeNull();
    expect(set.classify("github__create_issue")).toBeNull();
    expect(set.classify("github/create_issue")).toBeNull();
  });

  it("a client tool may not take a meta-tool's name; tools are refused outside explicit mode", async () => {
    const { e, t } = await setup();
    const scope = { tenantId: t.tenantId, endUserId: "alice" };
    const clash = await refusal(buildToolSet(e, { clientTools: [{ name: "qlaud_search_tools" }] }, scope));
    expect(clash.param).toBe("body.client_tools[0].name");
    expect(clash.message).toContain("meta-tool");
    const mixed = await refusal(buildToolSet(e, { mode: "dynamic", tools: [{ name: "github__create_issue" }] }, scope));
    expect(mixed.param).toBe("body.tools");
    expect(mixed.message).toContain('tools_mode "explicit"');
  });
});

describe("explicit mode", () => {
  it("is the default with tools: a catalog tool in wire form, the tenant's webhook tool and the app's own tool, each classified", async () => {
    const { e, t } = await setup();
    const set = await buildToolSet(
      e,
      { tools: [{ name: "github__create_issue" }, { name: "lookup_order" }, { name: "render_chart", input_schema: { type: "object", properties: { data: { type: "array" } } } }], clientTools: [CLIENT_TOOL] },
      { tenantId: t.tenantId, endUserId: "alice" },
    );
    expect(set.mode).toBe("explicit");
    expect(set.definitions.map((d) => d.name)).toEqual(["github__create_issue", "lookup_order", "render_chart", "show_map"]);
    expect(set.classify("github__create_issue")).toEqual({ kind: "catalog", tool: "github/create_issue" });
    expect(set.classify("lookup_order")).toEqual({ kind: "webhook", tool: "lookup_order" });
    expect(set.classify("render_chart")).toEqual({ kind: "client", tool: "render_chart" });
    expect(set.classify("show_map")).toEqual({ kind: "client", tool: "show_map" });
    expect(set.classify("qlaud_search_tools")).toBeNull();
    // A name given without a schema gets the catalog's (or the webhook tool's) description and schema.
    const gh = set.definitions[0]!;
    expect(gh.description).toBeTruthy();
    expect((gh.input_schema.properties as Record<string, unknown>).title).toBeDefined();
    expect(set.definitions[1]).toMatchObject({ description: "Look up an order.", input_schema: ORDER_SCHEMA });
  });

  it("a wire-form name of no catalog tool is the app's tool, not a catalog call", async () => {
    const { e, t } = await setup();
    const set = await buildToolSet(e, { tools: [{ name: "github__no_such_tool" }, { name: "nosuchvendor__create_issue" }] }, { tenantId: t.tenantId, endUserId: "alice" });
    expect(set.classify("github__no_such_tool")).toEqual({ kind: "client", tool: "github__no_such_tool" });
    expect(set.classify("nosuchvendor__create_issue")).toEqual({ kind: "client", tool: "nosuchvendor__create_issue" });
  });

  it("refuses names providers would refuse, duplicates, and explicit mode without tools, naming the field", async () => {
    const { e, t } = await setup();
    const scope = { tenantId: t.tenantId, endUserId: "alice" };
    const slash = await refusal(buildToolSet(e, { tools: [{ name: "lookup_order" }, { name: "github/create_issue" }] }, scope));
    expect(slash.param).toBe("body.tools[1].name");
    expect(slash.message).toContain('"github__create_issue"');
    for (const bad of ["", "has space", "x".repeat(65), "naïve"]) {
      const err = await refusal(buildToolSet(e, { tools: [{ name: bad }] }, scope));
      expect(err.param).toBe("body.tools[0].name");
      expect(err.message).toContain("not a valid tool name");
    }
    const badClient = await refusal(buildToolSet(e, { clientTools: [CLIENT_TOOL, { name: "a.b" }] }, scope));
    expect(badClient.param).toBe("body.client_tools[1].name");
    const dup = await refusal(buildToolSet(e, { tools: [{ name: "lookup_order" }, { name: "lookup_order" }] }, scope));
    expect(dup.message).toContain("appears twice");
    const clash = await refusal(buildToolSet(e, { tools: [{ name: "show_map" }], clientTools: [CLIENT_TOOL] }, scope));
    expect(clash.param).toBe("body.client_tools[0].name");
    const empty = await refusal(buildToolSet(e, { mode: "explicit" }, scope));
    expect(empty.param).toBe("body.tools");
  });
});

describe("tenant mode", () => {
  it("lists the webhook tools and every tool of each connector the end user connected (wire names), not others'", async () => {
    const { e, t } = await setup();
    await connectedAccount(e, t.tenantId, "alice", "github", { token: "ghp_alice" });
    await connectedAccount(e, t.tenantId, "bob", "linear", { api_key: "lin_bob" });
    const set = await buildToolSet(e, { mode: "tenant", clientTools: [CLIENT_TOOL] }, { tenantId: t.tenantId, endUserId: "alice" });
    const github = manifests.github!.tools.map((x) => `github__${x.name}`);
    expect(set.definitions.map((d) => d.name)).toEqual(["lookup_order", ...github, "show_map"]);
    for (const name of github) expect(set.classify(name)).toEqual({ kind: "catalog", tool: name.replace("__", "/") });
    expect(set.classify("lookup_order")).toEqual({ kind: "webhook", tool: "lookup_order" });
    // Bob's linear is not Alice's; meta-tools are not listed in tenant mode.
    expect(set.definitions.some((d) => d.name.startsWith("linear__"))).toBe(false);
    expect(set.classify("qlaud_multi_execute")).toBeNull();
    for (const d of set.definitions) expect(d.input_schema.type).toBe("object");
  });

  it("a thread of no end user lists only the webhook tools; another tenant's webhook tools never appear", async () => {
    const { e, t } = await setup();
    const other = await seedTenant();
    const mine = await buildToolSet(e, { mode: "tenant" }, { tenantId: t.tenantId, endUserId: undefined });
    expect(mine.definitions.map((d) => d.name)).toEqual(["lookup_order"]);
    const theirs = await buildToolSet(e, { mode: "tenant" }, { tenantId: other.tenantId, endUserId: "alice" });
    expect(theirs.definitions).toEqual([]);
  });
});
