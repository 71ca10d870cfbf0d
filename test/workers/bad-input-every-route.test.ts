import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routes } from "../../generated/api/routes";
import { seedTenant } from "./support/seed";

// Every route that takes a JSON body, straight from the generated route table: malformed
// JSON, a body of the wrong type and a body over 1 MiB are refused in the route's own error
// shape, naming the body, and nothing is written. A route added to the spec is covered here
// without touching this file.
const ADMIN = "adm_workers_test_token";
const withBody = routes.filter((r) => r.body !== null);

async function snapshot(tenantId: string) {
  const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n;
  const wallet = env.WALLET.get(env.WALLET.idFromName(tenantId));
  return { tenants: await count("tenants"), keys: await count("api_keys"), usage: await count("usage_events"), balance: await wallet.balance() };
}

/** Type and the named field: OpenAI's shape carries our type in `code`; Anthropic's has no `param`, so its message names the field. */
function errorOf(surface: string, body: unknown): { type?: string; field?: string | null } {
  const b = body as { error?: { type?: string; code?: string; param?: string | null; message?: string } };
  if (surface === "openai") return { type: b.error?.code, field: b.error?.param };
  if (surface === "anthropic") return { type: b.error?.type, field: /\bbody\b/.test(b.error?.message ?? "") ? "body" : b.error?.message };
  return { type: b.error?.type, field: b.error?.param };
}

describe("bad input on every route with a JSON body", () => {
  it("covers the routes it should", () => {
    expect(withBody.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(["createKey", "updateKey", "createMessage", "createChatCompletion", "adminCreateTenant", "adminCreditTenant"]),
    );
  });

  it.each(withBody.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const auth = route.auth === "admin" ? `Bearer ${ADMIN}` : `Bearer ${t.masterKey}`;
    const url = `http://gatehouse.test${route.path.replaceAll(/:(\w+)/g, (_m, p: string) => (p === "id" ? t.tenantId : "x"))}`;
    const send = (body: BodyInit) => SELF.fetch(url, { method: route.method, headers: { authorization: auth, "content-type": "application/json" }, body });
    const before = await snapshot(t.tenantId);

    const malformed = await send('{"name": "x",');
    expect(malformed.status).toBe(400);
    const m = errorOf(route.surface, await malformed.json());
    expect(m.type).toBe("invalid_request_error");
    expect(m.field).toBe("body");

    const wrongType = await send("[1, 2, 3]");
    expect(wrongType.status).toBe(400);
    expect(errorOf(route.surface, await wrongType.json()).field).toBe("body");

    const huge = await send(JSON.stringify({ name: "x".repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);

    expect(await snapshot(t.tenantId)).toEqual(before);
  });
});
