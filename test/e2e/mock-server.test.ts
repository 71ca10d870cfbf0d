import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT } from "./project-copy";

// `npm run mock`: Prism serves the generated OpenAPI with the spec's examples, so
// integrators can build against Gatehouse without running it.
describe("npm run mock (Prism)", () => {
  let child: ChildProcess;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn("npx", ["prism", "mock", "generated/openapi/openapi.yaml", "--port", String(port), "--host", "127.0.0.1"], {
      cwd: ROOT,
      stdio: "ignore",
      detached: true,
    });
    for (let i = 0; i < 300; i++) {
      try {
        await fetch(`${base}/v1/health`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error("prism did not start");
  }, 60_000);

  afterAll(() => {
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
  });

  it("answers with the spec's examples and checks auth and bodies like the spec says", async () => {
    expect(await (await fetch(`${base}/v1/health`)).json()).toEqual({ status: "ok", version: "0.1.0", time: 1763900000000 });
    const key = { "x-api-key": "qlk_test_example", "content-type": "application/json" };
    const created = await fetch(`${base}/v1/keys`, { method: "POST", headers: key, body: JSON.stringify({ name: "alice" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ secret: expect.stringMatching(/^qlk_(live|test)_/), scope: "standard" });
    const invalid = await fetch(`${base}/v1/keys`, { method: "POST", headers: key, body: JSON.stringify({ name: 42 }) });
    expect(invalid.status).toBe(400); // the spec declares 400 for bad bodies
    expect((await fetch(`${base}/v1/models`)).status).toBe(401);
  });
});
