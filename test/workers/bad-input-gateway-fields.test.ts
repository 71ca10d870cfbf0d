import { describe, expect, it } from "vitest";
import { BASE_BODIES, bodyFields, errorOf, expectNo5xx, HOSTILE_JSON, HOSTILE_MODELS, hostileBodyFields, setup, withBody } from "./support/bad-input";
import { seedTenant } from "./support/seed";

// The bad-input sweep, part three: the provider-shaped surfaces — hostile values in every body
// field and inside messages, and model names that are Object.prototype members.

const gatewaySurfaces = withBody.filter((r) => r.surface !== "gatehouse");

describe("hostile values in every body field of the gateway surfaces", () => {
  it("covers the gateway surfaces", () => {
    expect(gatewaySurfaces.map((r) => r.operationId)).toEqual(expect.arrayContaining(["createMessage", "createChatCompletion", "createResponse", "countMessageTokens"]));
  });

  it.each(gatewaySurfaces.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    await hostileBodyFields(route);
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
