// The executor talks only to the manifest's host: another host in the built URL is refused
// before sending, and redirects are followed only within the host, a bounded number of times.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executeTool } from "../../../runtime/tools/execute";
import type { BuiltRequest } from "../../../runtime/tools/types";
import { redirect, startMockVendor, type MockVendor } from "../../support/mock-vendor";

let vendor: MockVendor;
let elsewhere: MockVendor;
beforeAll(async () => {
  [vendor, elsewhere] = await Promise.all([startMockVendor(), startMockVendor()]);
});
afterAll(() => Promise.all([vendor.close(), elsewhere.close()]));
beforeEach(() => {
  vendor.reset();
  elsewhere.reset();
});

const SECRET = "ghp_hostguardsecret42";
const run = (req: BuiltRequest) =>
  executeTool(req, { baseUrl: `${vendor.url}/v1`, auth: { mode: "bearer", field: "token" }, credential: { token: SECRET }, connectionId: "c" });

describe("host guard", () => {
  it("refuses a URL on another host before sending anything", async () => {
    const out = await run({ method: "GET", url: `${elsewhere.url}/steal` });
    expect(out).toMatchObject({ ok: false, kind: "host_refused", retryable: false });
    expect(elsewhere.requests).toHaveLength(0);
    expect(vendor.requests).toHaveLength(0);
  });

  it("refuses the same port under another host name, and another scheme", async () => {
    expect(await run({ method: "GET", url: `${vendor.otherHostUrl}/v1/x` })).toMatchObject({ kind: "host_refused" });
    expect(await run({ method: "GET", url: vendor.url.replace("http:", "https:") + "/v1/x" })).toMatchObject({ kind: "host_refused" });
    expect(vendor.requests).toHaveLength(0);
  });

  it("follows a redirect within the host, keeping the credential", async () => {
    vendor.script("/v1/old", redirect("/v1/new", 301));
    vendor.script("/v1/new", { body: { moved: true } });
    const out = await run({ method: "GET", url: `${vendor.url}/v1/old` });
    expect(out).toMatchObject({ ok: true, content: '{"moved":true}' });
    expect(vendor.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ["/v1/old", `Bearer ${SECRET}`],
      ["/v1/new", `Bearer ${SECRET}`],
    ]);
  });

  it("refuses a redirect to another host: the credential never reaches it", async () => {
    vendor.script("/v1/x", redirect(`${elsewhere.url}/collect`));
    const out = await run({ method: "GET", url: `${vendor.url}/v1/x` });
    expect(out).toMatchObject({ ok: false, kind: "host_refused", retryable: false });
    expect(!out.ok && out.message).toContain(new URL(elsewhere.url).host);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("refuses a redirect to the same server under another host name", async () => {
    vendor.script("/v1/x", redirect(`${vendor.otherHostUrl}/v1/y`, 307));
    const out = await run({ method: "GET", url: `${vendor.url}/v1/x` });
    expect(out).toMatchObject({ ok: false, kind: "host_refused" });
    expect(vendor.requests.map((r) => r.path)).toEqual(["/v1/x"]);
  });

  it("stops after a bounded number of redirects", async () => {
    vendor.script("/v1/loop", redirect("/v1/loop"));
    const out = await run({ method: "GET", url: `${vendor.url}/v1/loop` });
    expect(out).toMatchObject({ ok: false, kind: "too_many_redirects", retryable: false });
    expect(vendor.requests).toHaveLength(6); // the first request and 5 redirects
  });

  it("a 303 after a POST becomes a GET without the body; a 307 keeps both", async () => {
    vendor.script("/v1/a", redirect("/v1/b", 303));
    vendor.script("/v1/c", redirect("/v1/d", 307));
    await run({ method: "POST", url: `${vendor.url}/v1/a`, headers: { "content-type": "application/json" }, body: '{"x":1}' });
    await run({ method: "POST", url: `${vendor.url}/v1/c`, headers: { "content-type": "application/json" }, body: '{"x":1}' });
    expect(vendor.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/v1/a", '{"x":1}'],
      ["GET", "/v1/b", ""],
      ["POST", "/v1/c", '{"x":1}'],
      ["POST", "/v1/d", '{"x":1}'],
    ]);
  });
});
