import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import openapiText from "../../generated/openapi/openapi.yaml?raw";
import { routes, type OperationId, type RouteDef } from "../../generated/api/routes";
import { seedTenant } from "./support/seed";

// Every route, straight from the generated route table and the OpenAPI document: malformed
// JSON, a body of the wrong type, a body over 1 MiB, a body that is not JSON, and hostile
// values (huge, negative, NaN, non-numeric, very long, 1e300, -0, arrays where scalars are
// expected) in every path parameter, query parameter and body field. Each is a 4xx with a
// message in the route's own error shape, never a 5xx. A route added to the spec is covered
// here without touching this file (a route with a body needs a valid base body below).
const ADMIN = "adm_workers_test_token";
const withBody = routes.filter((r) => r.body !== null);

interface OpenApiParam {
  name: string;
  in: string;
}
interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, unknown>;
}
const openapi = parse(openapiText) as {
  paths: Record<string, Record<string, { operationId: string; parameters?: OpenApiParam[]; requestBody?: { content: Record<string, { schema: OpenApiSchema }> } }>>;
  components: { schemas: Record<string, OpenApiSchema> };
};
const operations = Object.values(openapi.paths).flatMap((item) => Object.values(item));
const operationOf = (id: OperationId) => operations.find((o) => o.operationId === id);
const queryNames = (id: OperationId) => (operationOf(id)?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
function bodyFields(id: OperationId): string[] {
  let schema = operationOf(id)?.requestBody?.content["application/json"]?.schema;
  if (schema?.$ref) schema = openapi.components.schemas[schema.$ref.replace("#/components/schemas/", "")];
  return Object.keys(schema?.properties ?? {});
}

/** A valid body per operation, so each hostile field is tested on its own. */
// Keyed by string: an operation another change adds or removes must not break the type check here.
const BASE_BODIES: Partial<Record<string, Record<string, unknown>>> = {
  adminCreateTenant: { name: "sweep" },
  adminCreditTenant: { amount_micros: 1, ref: "sweep" },
  createChatCompletion: { model: "mock/echo", max_tokens: 4, messages: [{ role: "user", content: "hi" }] },
  createMessage: { model: "mock/echo", max_tokens: 4, messages: [{ role: "user", content: "hi" }] },
  countMessageTokens: { model: "mock/echo", messages: [{ role: "user", content: "hi" }] },
  createResponse: { model: "mock/echo", input: "hi" },
  createCheckoutSession: { amount_usd: 1, success_url: "https://app.example.com/paid", cancel_url: "https://app.example.com/billing" },
  createKey: { name: "sweep" },
  setCors: { allowed_origins: ["https://app.example.com"] },
  updateKey: { name: "sweep" },
  createThread: { metadata: { topic: "sweep" } },
  createThreadMessage: { model: "mock/echo", max_tokens: 4, content: "hi" },
  updateThread: { metadata: { topic: "sweep" } },
  setRetention: { thread_retention_days: 30 },
};

/** Raw JSON literals, so values JSON.stringify cannot express (1e300 as written, -0) reach the server as sent. */
const HOSTILE_JSON = ["1e300", "-1", "-0", "99999999999999999999", "1.5", '"NaN"', '"12"', `"${"x".repeat(20_000)}"`, "[1,2]", '{"a":1}', "null", "true"];
const HOSTILE_TEXT = ["99999999999999999999", "-1", "NaN", "abc", "1e300", "-0", "1.5", "x".repeat(5_000), "Infinity"];
const HOSTILE_PATH = ["%E0%A4%A", "%", "constructor", "__proto__", "x".repeat(5_000), "-1", "NaN", "1e300"];
const HOSTILE_MODELS = ["constructor", "__proto__", "mock/__proto__", "mock/constructor", "toString", "hasOwnProperty", "__proto__/echo"];

async function snapshot(tenantId: string) {
  const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n;
  const wallet = env.WALLET.get(env.WALLET.idFromName(tenantId));
  // Usage rows of earlier tests' gateway calls reach D1 later (the Wallet's outbox): count this tenant's only.
  const usage = (await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())?.n;
  return { tenants: await count("tenants"), keys: await count("api_keys"), usage, balance: await wallet.balance() };
}

/** Type and the named field: OpenAI's shape carries our type in `code`; Anthropic's has no `param`, so its message names the field. */
function errorOf(surface: string, body: unknown): { type?: string; field?: string | null; message?: string } {
  const b = body as { error?: { type?: string; code?: string; param?: string | null; message?: string } };
  if (surface === "openai") return { type: b.error?.code, field: b.error?.param, message: b.error?.message };
  if (surface === "anthropic") return { type: b.error?.type, field: /\bbody\b/.test(b.error?.message ?? "") ? "body" : b.error?.message, message: b.error?.message };
  return { type: b.error?.type, field: b.error?.param, message: b.error?.message };
}

function setup(route: RouteDef, t: { tenantId: string; masterKey: string; masterKeyId: string }) {
  const auth = route.auth === "admin" ? `Bearer ${ADMIN}` : `Bearer ${t.masterKey}`;
  const path = (fill: (param: string) => string) => route.path.replaceAll(/:(\w+)/g, (_m, p: string) => fill(p));
  // A real id, so a valid request can succeed: the tenant for admin routes, the master key for key routes.
  const id = route.path.startsWith("/v1/keys/") ? t.masterKeyId : t.tenantId;
  const url = `http://gatehouse.test${path((p) => (p === "id" ? id : "x"))}`;
  const send = (body: BodyInit, contentType: string | null = "application/json", at = url) =>
    SELF.fetch(at, { method: route.method, headers: { authorization: auth, ...(contentType ? { "content-type": contentType } : {}) }, body });
  return { auth, path, url, send };
}

/** A 4xx with a message in the route's shape (or a success, for values that happen to be valid); never a 5xx. */
async function expectNo5xx(route: RouteDef, res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(errorOf(route.surface, JSON.parse(text)).message, `${what}: the error says what to fix`).toMatch(/\w{3}/);
}

describe("bad input on every route with a JSON body", () => {
  it("covers the routes it should", () => {
    expect(withBody.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(["createKey", "updateKey", "createMessage", "createChatCompletion", "adminCreateTenant", "adminCreditTenant"]),
    );
    for (const r of withBody) expect(BASE_BODIES[r.operationId], `add a valid base body for ${r.operationId}`).toBeDefined();
  });

  it.each(withBody.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { send } = setup(route, t);
    const before = await snapshot(t.tenantId);

    const malformed = await send('{"name": "x",');
    expect(malformed.status).toBe(400);
    const m = errorOf(route.surface, await malformed.json());
    expect(m.type).toBe("invalid_request_error");
    expect(m.field).toBe("body");

    const wrongType = await send("[1, 2, 3]");
    expect(wrongType.status).toBe(400);
    expect(errorOf(route.surface, await wrongType.json()).field).toBe("body");

    // Gatehouse's own routes take 1 MiB; the provider surfaces what the providers take (32 MiB, GATEWAY_MAX_BODY_BYTES).
    const limit = route.surface === "gatehouse" ? 1024 * 1024 : 32 * 1024 * 1024;
    const huge = await send(JSON.stringify({ name: "x".repeat(limit) }));
    expect(huge.status).toBe(413);

    expect(await snapshot(t.tenantId)).toEqual(before);
  });
});

// The provider-shaped surfaces read the body as JSON whatever its label, as the providers do
// (a client that works against them must work here); Gatehouse's own routes are strict.
const gatewaySurface = (r: (typeof withBody)[number]) => r.surface !== "gatehouse";

describe("a body that is not JSON is a 415 on every Gatehouse route with a JSON body", () => {
  it.each(withBody.filter((r) => !gatewaySurface(r)).map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { send } = setup(route, t);
    const body = JSON.stringify(BASE_BODIES[route.operationId]);
    const before = await snapshot(t.tenantId);
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "application/xml"]) {
      const res = await send(body, type);
      expect(res.status, type).toBe(415);
      expect(errorOf(route.surface, await res.json()).message).toMatch(/application\/json/);
    }
    const missing = await send(body, null);
    expect(missing.status, "a body without a content type").toBe(415);
    // No body and no content type: as before, the route says the body is required.
    const empty = await send("", null);
    expect(empty.status).toBe(route.bodyRequired ? 400 : 200);
    if (route.bodyRequired) expect(errorOf(route.surface, await empty.json()).message).toMatch(/body is required/);
    expect(await snapshot(t.tenantId)).toEqual(before);
    // What clients really send is read: JSON with a charset, and the +json suffix.
    for (const type of ["application/json; charset=utf-8", "Application/JSON;charset=UTF-8", "application/vnd.gatehouse+json"]) {
      const res = await send(body, type);
      expect(res.status, `${type}: ${await res.clone().text()}`).not.toBe(415);
      expect(res.status).toBeLessThan(500);
    }
  });
});

describe("the gateway surfaces read a JSON body whatever its content type, as the providers do", () => {
  it.each(withBody.filter(gatewaySurface).map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { send } = setup(route, t);
    const body = JSON.stringify(BASE_BODIES[route.operationId]);
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", null]) {
      const res = await send(body, type);
      expect(res.status, `${String(type)}: ${await res.clone().text()}`).toBe(200);
    }
    const junk = await send("not json", "text/plain");
    expect(junk.status).toBe(400);
  });
});

describe("hostile values in every path parameter", () => {
  const withParams = routes.filter((r) => r.path.includes(":"));
  it("covers the routes it should", () => {
    expect(withParams.map((r) => r.operationId)).toEqual(expect.arrayContaining(["updateKey", "revokeKey", "getKeyUsage", "adminCreditTenant"]));
  });

  it.each(withParams.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { path, send } = setup(route, t);
    const body = route.body ? JSON.stringify(BASE_BODIES[route.operationId]) : undefined;
    for (const value of HOSTILE_PATH) {
      const at = `http://gatehouse.test${path(() => value)}`;
      const res = body === undefined ? await SELF.fetch(at, { method: route.method, headers: { authorization: setup(route, t).auth } }) : await send(body, "application/json", at);
      await expectNo5xx(route, res, `${route.operationId} path = ${value.slice(0, 20)}`);
      expect(res.status, `${route.operationId} path = ${value.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
    }
  });

  it("a bad % escape in a path is a 400 naming the parameter", async () => {
    const t = await seedTenant();
    const res = await SELF.fetch("http://gatehouse.test/v1/keys/%E0%A4%A", { method: "DELETE", headers: { authorization: `Bearer ${t.masterKey}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", param: "path.id" } });
  });
});

describe("hostile values in every query parameter", () => {
  const withQuery = routes.filter((r) => r.query !== null);
  it("covers the routes it should", () => {
    expect(withQuery.map((r) => r.operationId)).toEqual(expect.arrayContaining(["listLedger", "getUsage"]));
  });

  it.each(withQuery.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { url, auth } = setup(route, t);
    const names = queryNames(route.operationId);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      for (const value of HOSTILE_TEXT) {
        const res = await SELF.fetch(`${url}?${name}=${encodeURIComponent(value)}`, { method: route.method, headers: { authorization: auth } });
        await expectNo5xx(route, res, `${route.operationId} ?${name}=${value.slice(0, 20)}`);
      }
      // An array where a scalar is expected.
      const twice = await SELF.fetch(`${url}?${name}=1&${name}=2`, { method: route.method, headers: { authorization: auth } });
      expect(twice.status, `${name} given twice`).toBe(400);
      expect(await twice.json()).toMatchObject({ error: { param: `query.${name}` } });
    }
  });

  it("GET /v1/wallet/ledger?after=99999999999999999999 is a 400 naming after", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const res = await SELF.fetch("http://gatehouse.test/v1/wallet/ledger?after=99999999999999999999", { headers: { authorization: `Bearer ${t.masterKey}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", param: "query.after" } });
  });
});

describe("hostile values in every body field", () => {
  it.each(withBody.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { send } = setup(route, t);
    const base = BASE_BODIES[route.operationId] ?? {};
    const fields = bodyFields(route.operationId);
    expect(fields.length).toBeGreaterThan(0);
    let n = 0;
    for (const field of fields) {
      for (const value of HOSTILE_JSON) {
        const rest = JSON.stringify({ ...base, [field]: undefined }).slice(1, -1);
        // A fresh ref and tenant id each time, so a success never turns the next case into a conflict.
        const fresh = route.operationId === "adminCreditTenant" && field !== "ref" ? JSON.stringify({ ref: `sweep-${n++}` }).slice(1, -1) + "," : "";
        const raw = `{${fresh}${rest}${rest ? "," : ""}"${field}":${value}}`;
        const res = await send(raw);
        await expectNo5xx(route, res, `${route.operationId} ${field} = ${value.slice(0, 30)}`);
      }
    }
  });

  // Inside the gateway's messages, where the translator and the worst-case estimate read values.
  const gateway = withBody.filter((r) => bodyFields(r.operationId).includes("messages"));
  it.each(gateway.map((r) => [`${r.method} ${r.path} messages[0]`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { send } = setup(route, t);
    const base = JSON.stringify({ ...BASE_BODIES[route.operationId], messages: undefined }).slice(1, -1);
    for (const value of HOSTILE_JSON) {
      for (const messages of [`[${value}]`, `[{"role":"user","content":${value}}]`, `[{"role":${value},"content":"hi"}]`, `[{"role":"user","content":[${value}]}]`, `[{"role":"user","content":[{"type":"text","text":${value}}]}]`]) {
        const res = await send(`{${base},"messages":${messages}}`);
        await expectNo5xx(route, res, `${route.operationId} messages = ${messages.slice(0, 60)}`);
      }
    }
  });

  it("money beyond what micro-dollars can hold exactly is a 400 naming the field, and nothing is credited", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const before = await snapshot(t.tenantId);
    const credit = await SELF.fetch(`http://gatehouse.test/v1/admin/tenants/${t.tenantId}/credit`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: '{"amount_micros": 1e300, "ref": "huge"}',
    });
    expect(credit.status).toBe(400);
    expect(await credit.json()).toMatchObject({ error: { param: "body.amount_micros" } });
    const create = await SELF.fetch("http://gatehouse.test/v1/admin/tenants", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: '{"name": "rich", "initial_credit_micros": 1e300}',
    });
    expect(create.status).toBe(400);
    expect(await create.json()).toMatchObject({ error: { param: "body.initial_credit_micros" } });
    const key = await SELF.fetch("http://gatehouse.test/v1/keys", {
      method: "POST",
      headers: { authorization: `Bearer ${t.masterKey}`, "content-type": "application/json" },
      body: '{"name": "rich", "max_spend_usd": 1e300}',
    });
    expect(key.status).toBe(400);
    expect(await key.json()).toMatchObject({ error: { param: "body.max_spend_usd" } });
    expect(await snapshot(t.tenantId)).toEqual(before);
  });
});

describe("model names that are Object.prototype members are unknown models", () => {
  const gateway = withBody.filter((r) => bodyFields(r.operationId).includes("model"));
  it("covers the gateway routes", () => {
    expect(gateway.map((r) => r.operationId)).toEqual(expect.arrayContaining(["createMessage", "createChatCompletion"]));
  });

  it.each(gateway.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const { send } = setup(route, t);
    for (const model of HOSTILE_MODELS) {
      const res = await send(JSON.stringify({ ...BASE_BODIES[route.operationId], model }));
      expect(res.status, `model ${model}`).toBe(404);
      expect(errorOf(route.surface, await res.json()).message).toMatch(/model .* not found/);
    }
  });
});
