import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routes } from "../../generated/api/routes";
import { BASE_BODIES, errorOf, expectNo5xx, HOSTILE_PATH, HOSTILE_TEXT, queryNames, setup, snapshot, withBody } from "./support/bad-input";
import { seedTenant } from "./support/seed";

// Every route, straight from the generated route table and the OpenAPI document: malformed
// JSON, a body of the wrong type, a body over 1 MiB, a body that is not JSON, and hostile
// values (huge, negative, NaN, non-numeric, very long, 1e300, -0, arrays where scalars are
// expected) in every path parameter, query parameter and body field. Each is a 4xx with a
// message in the route's own error shape, never a 5xx. A route added to the spec is covered
// here without touching this file (a route with a body needs a valid base body in support/bad-input.ts).
// Part two, hostile values in every body field: bad-input-body-fields.test.ts.

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

/** Operations whose path parameter is a free-form name the caller chooses, not an id Gatehouse issued. */
const FREE_FORM_NAMES = new Set(["eraseEndUser"]);

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
      // An end user id is a name, not a looked-up id: erasing one that has nothing is a 200 with
      // zero counts (an erase is safe to repeat); only a malformed or over-long one is refused.
      const nameOk = FREE_FORM_NAMES.has(route.operationId) && value.length <= 200 && !value.startsWith("%");
      if (nameOk) expect(res.status, `${route.operationId} path = ${value.slice(0, 20)}`).toBe(200);
      else expect(res.status, `${route.operationId} path = ${value.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
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

