// The bad-input sweeps' shared parts (test/workers/bad-input-*.test.ts): every route from the
// generated route table and the OpenAPI document, a valid base body per operation, hostile
// values, and the checks. The sweeps are split over files so each runs in a fresh isolate
// (vitest-pool-workers gives each file its own): one isolate serving the whole sweep's
// hundreds of tenants slowed down as it went, past the test timeout.
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { parse } from "yaml";
import openapiText from "../../../generated/openapi/openapi.yaml?raw";
import { routes, type OperationId, type RouteDef } from "../../../generated/api/routes";
import { seedTenant } from "./seed";
export const ADMIN = "adm_workers_test_token";
export const withBody = routes.filter((r) => r.body !== null);

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
export const queryNames = (id: OperationId) => (operationOf(id)?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
export function bodyFields(id: OperationId): string[] {
  let schema = operationOf(id)?.requestBody?.content["application/json"]?.schema;
  if (schema?.$ref) schema = openapi.components.schemas[schema.$ref.replace("#/components/schemas/", "")];
  return Object.keys(schema?.properties ?? {});
}

/** A valid body per operation, so each hostile field is tested on its own. */
// Keyed by string: an operation another change adds or removes must not break the type check here.
export const BASE_BODIES: Partial<Record<string, Record<string, unknown>>> = {
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
  createConnection: { end_user_id: "sweep", connector: "github" },
  adminResealVault: { limit: 1 },
  searchTools: { intent: "open an issue" },
  getToolSchemas: { tools: ["github/create_issue"] },
  executeTool: { tool: "github/create_issue", args: { owner: "acme", repo: "app", title: "sweep" }, end_user_id: "sweep" },
  createWebhookTool: { name: "sweep_tool", description: "A sweep tool.", input_schema: { type: "object" }, url: "https://app.example.com/hooks/sweep" },
};

/** Raw JSON literals, so values JSON.stringify cannot express (1e300 as written, -0) reach the server as sent. */
export const HOSTILE_JSON = ["1e300", "-1", "-0", "99999999999999999999", "1.5", '"NaN"', '"12"', `"${"x".repeat(20_000)}"`, "[1,2]", '{"a":1}', "null", "true"];
export const HOSTILE_TEXT = ["99999999999999999999", "-1", "NaN", "abc", "1e300", "-0", "1.5", "x".repeat(5_000), "Infinity"];
export const HOSTILE_PATH = ["%E0%A4%A", "%", "constructor", "__proto__", "x".repeat(5_000), "-1", "NaN", "1e300"];
export const HOSTILE_MODELS = ["constructor", "__proto__", "mock/__proto__", "mock/constructor", "toString", "hasOwnProperty", "__proto__/echo"];

export async function snapshot(tenantId: string) {
  const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n;
  const wallet = env.WALLET.get(env.WALLET.idFromName(tenantId));
  // Usage rows of earlier tests' gateway calls reach D1 later (the Wallet's outbox): count this tenant's only.
  const usage = (await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_events WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())?.n;
  return { tenants: await count("tenants"), keys: await count("api_keys"), usage, balance: await wallet.balance() };
}

/** Type and the named field: OpenAI's shape carries our type in `code`; Anthropic's has no `param`, so its message names the field. */
export function errorOf(surface: string, body: unknown): { type?: string; field?: string | null; message?: string } {
  const b = body as { error?: { type?: string; code?: string; param?: string | null; message?: string } };
  if (surface === "openai") return { type: b.error?.code, field: b.error?.param, message: b.error?.message };
  if (surface === "anthropic") return { type: b.error?.type, field: /\bbody\b/.test(b.error?.message ?? "") ? "body" : b.error?.message, message: b.error?.message };
  return { type: b.error?.type, field: b.error?.param, message: b.error?.message };
}

export function setup(route: RouteDef, t: { tenantId: string; masterKey: string; masterKeyId: string }) {
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
export async function expectNo5xx(route: RouteDef, res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  // The hosted connect page answers browsers with HTML pages (runtime/connect): its heading says what happened.
  if (res.status >= 400 && res.headers.get("content-type")?.startsWith("text/html")) expect(text, `${what}: the page says what happened`).toMatch(/<h1>\w[^<]{10,}<\/h1>/);
  else if (res.status >= 400) expect(errorOf(route.surface, JSON.parse(text)).message, `${what}: the error says what to fix`).toMatch(/\w{3}/);
}

/** Every body field of a route, set to each hostile JSON value in turn on a valid base body: never a 5xx. */
export async function hostileBodyFields(route: RouteDef): Promise<void> {
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
}
