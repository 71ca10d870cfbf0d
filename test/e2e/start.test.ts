import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, Gatehouse, PermissionDeniedError } from "gatehouse/client";
import { copyProject, freePort, npmStart, removeCopy, type Started } from "./project-copy";

// A fresh clone's `npm start` (after `npm ci`): codegen, local D1, seeded dev tenant and
// key, wrangler dev. Driven through the generated client SDK, as an integrator would.
describe("npm start on a fresh copy", () => {
  let dir: string;
  let port: number;
  let server: Started;
  let base: string;
  let masterKey: string;

  beforeAll(async () => {
    dir = await copyProject();
    port = await freePort();
    server = await npmStart(dir, port);
    base = `http://127.0.0.1:${port}`;
    masterKey = /DEV_MASTER_KEY=(\S+)/.exec(await readFile(join(dir, ".dev.vars"), "utf8"))?.[1] ?? "";
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) await removeCopy(dir);
  });

  it("prints the dev key with a ready-to-paste curl, and writes it to .dev.vars", () => {
    expect(masterKey).toMatch(/^qlk_test_[0-9A-Za-z]{32}$/);
    expect(server.output()).toContain(`curl -s ${base}/v1/models -H "x-api-key: ${masterKey}"`);
    expect(server.output()).toMatch(/start ▸ gen .*\n[\s\S]*start ▸ migrate[\s\S]*start ▸ seed/);
  });

  it("serves /v1/health, /v1/models and /v1/connectors", async () => {
    const anon = new Gatehouse({ baseURL: base });
    expect((await anon.getHealth()).status).toBe("ok");
    const gh = new Gatehouse({ baseURL: base, apiKey: masterKey });
    const models = await gh.listModels();
    expect(models.data.some((m) => m.id === "mock/echo")).toBe(true);
    const connectors = await gh.listConnectors();
    expect(connectors.data.map((c) => c.id)).toEqual(expect.arrayContaining(["github", "linear", "stripe"]));
    expect(await gh.getWallet()).toEqual({ balance_micros: 10_000_000, reserved_micros: 0, currency: "usd", overshoots: 0, overshoot_micros: 0 });
  });

  it("mints a standard key (secret once), which is refused admin routes and dies when revoked", async () => {
    const master = new Gatehouse({ baseURL: base, apiKey: masterKey });
    const created = await master.createKey({ body: { name: "alice", end_user_id: "u1", max_spend_usd: 1 } });
    expect(created.secret).toMatch(/^qlk_test_/);
    const listed = await master.listKeys();
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const alice = new Gatehouse({ baseURL: base, apiKey: created.secret });
    expect((await alice.listModels()).object).toBe("list");
    const denied = await alice.createKey({ body: { name: "sneaky" } }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect((denied as PermissionDeniedError).status).toBe(403);

    await master.revokeKey({ path: { id: created.id } });
    const gone = await alice.listModels().catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(AuthenticationError);
    expect((gone as AuthenticationError).status).toBe(401);
  });

  it("keeps the same key and does not credit twice when started again", async () => {
    await server.stop();
    server = await npmStart(dir, port);
    const again = /DEV_MASTER_KEY=(\S+)/.exec(await readFile(join(dir, ".dev.vars"), "utf8"))?.[1];
    expect(again).toBe(masterKey);
    const gh = new Gatehouse({ baseURL: base, apiKey: masterKey });
    expect((await gh.getWallet()).balance_micros).toBe(10_000_000);
  }, 120_000);
});
