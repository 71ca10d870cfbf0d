// Webhook tools: registered once with a secret shown once (sealed in D1), listed without it,
// called with a signature the receiver can recompute, refused when invalid or duplicate, and
// invisible to other tenants.
import { describe, expect, it } from "vitest";
import { deleteWebhookTool, findWebhookTool, findWebhookTools, listWebhookTools } from "../../runtime/db/webhook-tools";
import { seedTenant } from "./support/seed";
import { api, freshPrefix, received, RECEIVER, script, standardKey, toolsEnv, type Executed } from "./support/tools";

interface CreatedTool {
  name: string;
  object: string;
  url: string;
  created_at: number;
  signing_secret: string;
}
interface ErrorBody {
  error: { type: string; message: string; param?: string };
}

const SCHEMA = { type: "object", properties: { number: { type: "string" }, rush: { type: "boolean" } }, required: ["number"], additionalProperties: false };

async function setup() {
  const e = toolsEnv();
  const t = await seedTenant();
  const prefix = freshPrefix("hook");
  const def = { name: "lookup_order", description: "Look up an order by its number.", input_schema: SCHEMA, url: `${RECEIVER}${prefix}/orders` };
  return { e, t, prefix, def };
}

/** What the receiver would compute: hex HMAC-SHA256(secret, "<timestamp>.<raw body>"). */
async function expectedSignature(secret: string, timestamp: string, raw: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${raw}`)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

describe("registering webhook tools", () => {
  it("201 with the secret once; D1 holds only a sealed record; the list shows no secret; a duplicate is 409", async () => {
    const { e, t, def } = await setup();
    const res = await api<CreatedTool>(e, "POST", "/v1/tools", t.masterKey, def);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "lookup_order", object: "tool", url: def.url, input_schema: SCHEMA });
    expect(res.body.signing_secret).toMatch(/^whts_[0-9a-f]{64}$/);
    const row = await e.DB.prepare("SELECT signing_secret FROM webhook_tools WHERE tenant_id = ? AND name = ?").bind(t.tenantId, "lookup_order").first<{ signing_secret: string }>();
    expect(row?.signing_secret).toMatch(/^v1\./);
    expect(row?.signing_secret).not.toContain(res.body.signing_secret.slice(5));

    const list = await api<{ data: unknown[] }>(e, "GET", "/v1/tools", t.masterKey);
    expect(list.body.data).toEqual([{ name: "lookup_order", object: "tool", description: def.description, input_schema: SCHEMA, url: def.url, created_at: res.body.created_at }]);

    const again = await api<ErrorBody>(e, "POST", "/v1/tools", t.masterKey, { ...def, description: "another" });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("lookup_order");
  });

  it("refuses what it could not call: a non-object schema, a bad property type, a plain-http remote URL, a slash in the name; standard keys may list, not create", async () => {
    const { e, t, def } = await setup();
    const refused = async (body: unknown, param: string) => {
      const res = await api<ErrorBody>(e, "POST", "/v1/tools", t.masterKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.param).toBe(param);
    };
    await refused({ ...def, input_schema: { type: "array" } }, "body.input_schema.type");
    await refused({ ...def, input_schema: { type: "object", properties: { n: { type: "text" } } } }, "body.input_schema.properties.n.type");
    await refused({ ...def, url: "http://example.com/hook" }, "body.url");
    await refused({ ...def, url: "ftp://example.com/hook" }, "body.url");
    expect((await api(e, "POST", "/v1/tools", t.masterKey, { ...def, name: "github/create_issue" })).status).toBe(400);
    const std = await standardKey(e, t.masterKey, "eve");
    expect((await api(e, "POST", "/v1/tools", std, def)).status).toBe(403);
    expect((await api(e, "GET", "/v1/tools", std)).status).toBe(200);
  });

  it("http to 127.0.0.1 is refused in production", async () => {
    const { t, def } = await setup();
    const prod = toolsEnv({ ENVIRONMENT: "production" });
    const res = await api<ErrorBody>(prod, "POST", "/v1/tools", t.masterKey, def);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("only outside production");
  });
});

describe("calling a webhook tool", () => {
  it("POSTs {tool, args, end_user_id, request_id} signed so the receiver can verify it", async () => {
    const { e, t, prefix, def } = await setup();
    const secret = (await api<CreatedTool>(e, "POST", "/v1/tools", t.masterKey, def)).body.signing_secret;
    await script(`${prefix}/orders`, { body: { status: "shipped" } });
    const alice = await standardKey(e, t.masterKey, "alice");

    const res = await api<Executed>(e, "POST", "/v1/tools/execute", alice, { tool: "lookup_order", args: { number: "A-17" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tool: "lookup_order", ok: true, status: 200, content: '{"status":"shipped"}', truncated: false });

    const [got, ...more] = await received(prefix);
    expect(more).toHaveLength(0);
    expect(got?.method).toBe("POST");
    expect(JSON.parse(got!.raw)).toEqual({ tool: "lookup_order", args: { number: "A-17" }, end_user_id: "alice", request_id: res.headers.get("x-qlaud-request-id") });
    const timestamp = got!.headers["x-qlaud-timestamp"]!;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(got!.headers["x-qlaud-signature"]).toBe(await expectedSignature(secret, timestamp, got!.raw));
    // A signature under another secret, or over another body, does not match.
    expect(got!.headers["x-qlaud-signature"]).not.toBe(await expectedSignature(`${secret}x`, timestamp, got!.raw));
    expect(got!.headers["x-qlaud-signature"]).not.toBe(await expectedSignature(secret, timestamp, got!.raw.replace("A-17", "A-18")));
  });

  it("the receiver's non-2xx is a tool error; bad args never reach it", async () => {
    const { e, t, prefix, def } = await setup();
    await api(e, "POST", "/v1/tools", t.masterKey, def);
    await script(`${prefix}/orders`, { status: 500, body: { error: "database down" } });
    const failed = await api<Executed>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "lookup_order", args: { number: "A-1" } });
    expect(failed.body).toMatchObject({ tool: "lookup_order", ok: false, error: { kind: "vendor", status: 500 } });
    expect(failed.body.error?.message).toContain("database down");
    expect(await received(prefix)).toHaveLength(1);

    const bad = await api<Executed>(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "lookup_order", args: { number: 17, extra: true } });
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error?.kind).toBe("invalid_input");
    expect(bad.body.error?.message).toBe("Invalid arguments: number must be a string; extra is not a known argument. Fix the arguments and call the tool again.");
    expect(await received(prefix)).toHaveLength(1);
  });

  it("another tenant neither sees, runs nor deletes it; after DELETE it is gone", async () => {
    const { e, t, def } = await setup();
    await api(e, "POST", "/v1/tools", t.masterKey, def);
    const other = await seedTenant();
    expect((await api<{ data: unknown[] }>(e, "GET", "/v1/tools", other.masterKey)).body.data).toEqual([]);
    expect((await api(e, "POST", "/v1/tools/execute", other.masterKey, { tool: "lookup_order", args: { number: "A-1" } })).status).toBe(404);
    expect((await api(e, "DELETE", "/v1/tools/lookup_order", other.masterKey)).status).toBe(404);

    const del = await api(e, "DELETE", "/v1/tools/lookup_order", t.masterKey);
    expect(del.body).toEqual({ name: "lookup_order", object: "tool.deleted", deleted: true });
    expect((await api(e, "POST", "/v1/tools/execute", t.masterKey, { tool: "lookup_order", args: { number: "A-1" } })).status).toBe(404);
    expect((await api(e, "DELETE", "/v1/tools/lookup_order", t.masterKey)).status).toBe(404);
  });
});

describe("the data layer takes the tenant", () => {
  it("a foreign tenant's id finds, lists and deletes none of another tenant's webhook tools", async () => {
    const { e, t, def } = await setup();
    await api(e, "POST", "/v1/tools", t.masterKey, def);
    const other = await seedTenant();
    expect(await findWebhookTool(e.DB, other.tenantId, "lookup_order")).toBeNull();
    expect(await findWebhookTools(e.DB, other.tenantId, ["lookup_order"])).toEqual([]);
    expect(await listWebhookTools(e.DB, other.tenantId)).toEqual([]);
    expect(await deleteWebhookTool(e.DB, other.tenantId, "lookup_order")).toBe(false);
    expect((await findWebhookTool(e.DB, t.tenantId, "lookup_order"))?.name).toBe("lookup_order");
  });
});
