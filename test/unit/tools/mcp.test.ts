// MCP connectors from node against a real MCP server built with the same SDK: tools/list
// across pages and within bounds, tools/call results and errors, the token only ever as a
// Bearer header and never in a message, one deadline, one session per use, closed after.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { callMcpTool, listMcpTools, McpFailure, mcpServerUrl } from "../../../runtime/tools/mcp";
import { guardedFetch, HostRefused } from "../../../runtime/tools/mcp/guarded-fetch";
import { startMcpServer, type TestMcpServer } from "../../support/mcp-server";

const TOKEN = "zap_conn_SECRET_token_0123456789";
const WRONG = "zap_conn_WRONG_token_9876543210";
const env = { ENVIRONMENT: "development" } as unknown as Env;

let server: TestMcpServer;
beforeAll(async () => {
  server = await startMcpServer({ token: TOKEN, pageSize: 3 });
});
afterAll(() => server.close());
afterEach(() => server.reset());

async function listFailure(p: Promise<unknown>): Promise<McpFailure> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpFailure);
  return err as McpFailure;
}

describe("listMcpTools", () => {
  it("follows nextCursor through every page and keeps names, descriptions, schemas and hints", async () => {
    const tools = await listMcpTools(env, server.url, TOKEN);
    expect(tools.map((t) => t.name)).toEqual(["echo", "add", "fail", "slow", "big", "mixed", "whoami"]);
    expect(tools[0]).toEqual({
      name: "echo",
      description: "Returns the text it is given.",
      input_schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
      annotations: { title: "Echo", readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    });
    expect(tools[2]!.annotations).toEqual({ destructiveHint: false });
    expect(tools[3]!.annotations).toBeUndefined();
    // 7 tools, 3 a page: three tools/list requests, the 2nd and 3rd with the cursor they were given.
    const lists = server.requests.filter((r) => r.rpc.includes("tools/list"));
    expect(lists).toHaveLength(3);
    expect(lists[0]!.cursor).toBeUndefined();
    expect(lists[1]!.cursor).toBeDefined();
    expect(lists[2]!.cursor).not.toBe(lists[1]!.cursor);
  });

  it("sends the token as a Bearer header on every request, opens no GET stream, and ends its session", async () => {
    await listMcpTools(env, server.url, TOKEN);
    expect(server.requests.length).toBeGreaterThanOrEqual(5); // initialize, initialized, 3 × tools/list, DELETE
    for (const r of server.requests) expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests.filter((r) => r.method === "GET")).toHaveLength(0);
    const del = server.requests.filter((r) => r.method === "DELETE");
    expect(del).toHaveLength(1);
    expect(del[0]!.sessionId).toBe(server.requests[1]!.sessionId);
    expect(server.openSessions()).toBe(0);
  });

  it("trims long descriptions", async () => {
    const tools = await listMcpTools(env, server.url, TOKEN, { maxDescriptionChars: 120 });
    const whoami = tools.find((t) => t.name === "whoami")!;
    expect(whoami.description).toHaveLength(120);
    expect(whoami.description.endsWith("…")).toBe(true);
  });

  it("keeps at most maxTools (200 by default), stopping the paging there", async () => {
    const many = await startMcpServer({ token: TOKEN, pageSize: 50, fillerTools: 300 });
    try {
      const logs: string[] = [];
      const tools = await listMcpTools(env, many.url, TOKEN, { log: (l) => logs.push(l) });
      expect(tools).toHaveLength(200);
      expect(tools.at(-1)!.name).toBe("filler_193");
      expect(many.requests.filter((r) => r.rpc.includes("tools/list"))).toHaveLength(4);
      expect(logs.join("\n")).toContain("kept 200");
      expect(await listMcpTools(env, many.url, TOKEN, { maxTools: 5 })).toHaveLength(5);
    } finally {
      await many.close();
    }
  });

  it("leaves out names it could not address, oversized schemas and duplicates", async () => {
    const odd = await startMcpServer({ token: TOKEN, pageSize: 4, oddTools: true });
    try {
      const names = (await listMcpTools(env, odd.url, TOKEN)).map((t) => t.name);
      expect(names).toEqual(["echo", "add", "fail", "slow", "big", "mixed", "whoami"]);
    } finally {
      await odd.close();
    }
  });

  it("refuses a server whose cursor repeats, instead of looping", async () => {
    const looping = await startMcpServer({ token: TOKEN, loopingCursor: true });
    try {
      const err = await listFailure(listMcpTools(env, looping.url, TOKEN));
      expect(err.outcome).toMatchObject({ ok: false, kind: "vendor", status: 502 });
      expect(err.message).toContain("same tools/list cursor twice");
    } finally {
      await looping.close();
    }
  });

  it("a wrong token: missing_credential 401 saying to reconnect, the token (echoed by the server) redacted", async () => {
    const err = await listFailure(listMcpTools(env, server.url, WRONG));
    expect(err.outcome).toEqual({
      ok: false,
      kind: "missing_credential",
      status: 401,
      retryable: false,
      message: `the MCP server at ${new URL(server.url).host} refused the connection token (HTTP 401: token [redacted] is not valid for this server); reconnect the account with a valid token`,
    });
    expect(JSON.stringify(err.outcome)).not.toContain(WRONG);
    expect(err.message).not.toContain(WRONG);
  });

  it("an empty token is refused before anything is sent", async () => {
    const err = await listFailure(listMcpTools(env, server.url, "  "));
    expect(err.outcome.kind).toBe("missing_credential");
    expect(server.requests).toHaveLength(0);
  });

  it("http is refused in production, and a URL with userinfo anywhere", async () => {
    const prod = { ENVIRONMENT: "production" } as unknown as Env;
    const err = await listFailure(listMcpTools(prod, server.url, TOKEN));
    expect(err.outcome).toMatchObject({ kind: "host_refused", status: 502 });
    expect(err.message).toContain("only https is allowed in production");
    const userinfo = server.url.replace("http://", "http://u:p@");
    expect((await listFailure(listMcpTools(env, userinfo, TOKEN))).outcome.kind).toBe("host_refused");
    expect(server.requests).toHaveLength(0);
  });

  it("a wrong path: 404 naming the fix", async () => {
    const err = await listFailure(listMcpTools(env, server.url.replace("/mcp", "/nope"), TOKEN));
    expect(err.outcome).toMatchObject({ kind: "vendor", status: 404 });
    expect(err.message).toContain("check the server URL");
  });

  it("a redirect to another origin is not followed", async () => {
    const err = await listFailure(listMcpTools(env, server.redirectUrl, TOKEN));
    expect(err.outcome).toMatchObject({ kind: "host_refused", status: 502 });
    expect(server.requests.map((r) => r.path)).toEqual(["/redirect"]);
  });

  it("times out with kind timeout when the server does not answer", async () => {
    const silent = await import("node:http").then(({ createServer }) => createServer(() => undefined));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}/mcp`;
    try {
      const started = Date.now();
      const err = await listFailure(listMcpTools(env, url, TOKEN, { timeoutMs: 300 }));
      expect(err.outcome).toMatchObject({ kind: "timeout", status: 504, retryable: true });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("a server that is not there: network, retryable", async () => {
    const err = await listFailure(listMcpTools(env, "http://127.0.0.1:1/mcp", TOKEN, { timeoutMs: 2_000 }));
    expect(err.outcome).toMatchObject({ kind: "network", status: 502, retryable: true });
  });
});

describe("callMcpTool", () => {
  it("echo and add: text back, status 200, one session ended with DELETE", async () => {
    expect(await callMcpTool(env, server.url, TOKEN, "echo", { text: "hello" })).toEqual({ ok: true, status: 200, content: "hello", truncated: false });
    expect(server.requests.filter((r) => r.method === "DELETE")).toHaveLength(1);
    expect(await callMcpTool(env, server.url, TOKEN, "add", { a: 2, b: 3 })).toEqual({ ok: true, status: 200, content: "5", truncated: false });
    expect(server.requests.filter((r) => r.rpc.includes("tools/call"))).toHaveLength(2);
    expect(server.openSessions()).toBe(0);
  });

  it("non-text parts are summarised in one line each", async () => {
    const out = await callMcpTool(env, server.url, TOKEN, "mixed", {});
    expect(out).toEqual({
      ok: true,
      status: 200,
      truncated: false,
      content: [
        "here you go",
        "[image: image/png, 10 bytes, not shown]",
        "[resource link: report <file:///report.pdf> (application/pdf)]",
        "[resource <file:///notes.txt>]\nthe notes",
        "[resource <file:///blob.bin>: application/octet-stream, 4 bytes, binary, not shown]",
      ].join("\n"),
    });
  });

  it("isError: ok false, kind vendor, the tool's own words", async () => {
    expect(await callMcpTool(env, server.url, TOKEN, "fail", { reason: "quota" })).toEqual({
      ok: false,
      kind: "vendor",
      status: 502,
      retryable: false,
      message: "the MCP tool fail failed: could not do it: quota",
    });
  });

  it("the token never reaches the result, even when the tool echoes it", async () => {
    const out = await callMcpTool(env, server.url, TOKEN, "whoami", {});
    expect(out).toEqual({ ok: true, status: 200, content: "you are Bearer [redacted]", truncated: false });
  });

  it("maxChars cuts with the usual marker (50,000 by default); null keeps it all", async () => {
    const cut = await callMcpTool(env, server.url, TOKEN, "big", { chars: 500 }, { maxChars: 100 });
    expect(cut).toEqual({ ok: true, status: 200, truncated: true, content: "y".repeat(100) + "\n…[truncated: showing 100 of 500 characters]" });
    const dflt = await callMcpTool(env, server.url, TOKEN, "big", { chars: 60_000 });
    expect(dflt.ok && dflt.truncated && dflt.content.startsWith("y".repeat(50_000) + "\n…[truncated")).toBe(true);
    const all = await callMcpTool(env, server.url, TOKEN, "big", { chars: 60_000 }, { maxChars: null });
    expect(all.ok && !all.truncated && all.content.length === 60_000).toBe(true);
  });

  it("an answer over the byte cap fails fast instead of filling the isolate", async () => {
    const started = Date.now();
    const out = await callMcpTool(env, server.url, TOKEN, "big", { chars: 200_000 }, { maxBodyBytes: 50_000, timeoutMs: 10_000 });
    expect(out).toMatchObject({ ok: false, kind: "vendor", status: 502 });
    expect(!out.ok && out.message).toContain("exceeded 50000 bytes");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an unknown tool: the server's refusal as invalid_input", async () => {
    const out = await callMcpTool(env, server.url, TOKEN, "nope", {});
    expect(out).toMatchObject({ ok: false, kind: "invalid_input", status: 400 });
    expect(!out.ok && out.message).toContain("Tool nope not found");
  });

  it("arguments that are not an object are refused before anything is sent", async () => {
    for (const bad of [null, [1], "text", 3]) {
      expect(await callMcpTool(env, server.url, TOKEN, "echo", bad)).toMatchObject({ ok: false, kind: "invalid_input", status: 400 });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a slow tool: timeout 504 within the deadline, and the session is still ended", async () => {
    const started = Date.now();
    const out = await callMcpTool(env, server.url, TOKEN, "slow", { ms: 5_000 }, { timeoutMs: 400 });
    expect(out).toEqual({ ok: false, kind: "timeout", status: 504, retryable: true, message: `the MCP server at ${new URL(server.url).host} did not answer within 400 ms` });
    expect(Date.now() - started).toBeLessThan(2_000);
    const del = server.requests.filter((r) => r.method === "DELETE");
    expect(del).toHaveLength(1);
    expect(server.openSessions()).toBe(0);
  });

  it("the caller's signal cancels the call", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const out = await callMcpTool(env, server.url, TOKEN, "slow", { ms: 5_000 }, { signal: ctl.signal });
    expect(out).toMatchObject({ ok: false, kind: "timeout", status: 499, retryable: false });
  });

  it("a wrong token: missing_credential, redacted", async () => {
    const out = await callMcpTool(env, server.url, WRONG, "echo", { text: "x" });
    expect(out).toMatchObject({ ok: false, kind: "missing_credential", status: 401 });
    expect(JSON.stringify(out)).not.toContain(WRONG);
  });
});

describe("server modes", () => {
  for (const mode of [{ stateless: true }, { jsonResponse: true }, { stateless: true, jsonResponse: true }]) {
    it(`works against a ${JSON.stringify(mode)} server`, async () => {
      const s = await startMcpServer({ token: TOKEN, ...mode });
      try {
        expect((await listMcpTools(env, s.url, TOKEN)).map((t) => t.name)).toContain("whoami");
        expect(await callMcpTool(env, s.url, TOKEN, "echo", { text: "hi" })).toEqual({ ok: true, status: 200, content: "hi", truncated: false });
        expect(await callMcpTool(env, s.url, TOKEN, "fail", {})).toMatchObject({ ok: false, kind: "vendor" });
      } finally {
        await s.close();
      }
    });
  }
});

describe("guardedFetch", () => {
  it("refuses another origin before sending, and answers GET itself with 405", async () => {
    const sent: string[] = [];
    const f = guardedFetch({
      serverUrl: new URL("https://mcp.example.com/api/v1/connect"),
      token: TOKEN,
      signal: () => new AbortController().signal,
      maxBodyBytes: 1000,
      fetchFn: (async (u: URL) => (sent.push(String(u)), new Response("{}"))) as unknown as typeof fetch,
      onTooLarge: () => undefined,
    });
    await expect(f("https://evil.example.com/api/v1/connect", { method: "POST" })).rejects.toBeInstanceOf(HostRefused);
    await expect(f("http://mcp.example.com/api/v1/connect", { method: "POST" })).rejects.toBeInstanceOf(HostRefused);
    expect((await f("https://mcp.example.com/api/v1/connect")).status).toBe(405);
    expect(sent).toEqual([]);
    await f("https://mcp.example.com/api/v1/connect", { method: "POST", headers: { authorization: "Bearer other" } });
    expect(sent).toEqual(["https://mcp.example.com/api/v1/connect"]);
  });
});

describe("mcpServerUrl", () => {
  const zapier = "https://mcp.zapier.com/api/v1/connect";
  it("the manifest's URL, or CONNECTOR_<ID>_URL outside production only", () => {
    expect(mcpServerUrl({} as Env, "zapier", zapier)).toBe(zapier);
    expect(mcpServerUrl({ CONNECTOR_ZAPIER_URL: "http://127.0.0.1:9/mcp" } as unknown as Env, "zapier", zapier)).toBe("http://127.0.0.1:9/mcp");
    expect(mcpServerUrl({ ENVIRONMENT: "production", CONNECTOR_ZAPIER_URL: "http://127.0.0.1:9/mcp" } as unknown as Env, "zapier", zapier)).toBe(zapier);
  });

  it("fills {{config.x}} encoded, so a setting cannot move the host; a missing one asks to reconnect", () => {
    const tpl = "https://{{config.sub}}.mcp.example.com/mcp";
    expect(mcpServerUrl({} as Env, "acme", tpl, { sub: "team1" })).toBe("https://team1.mcp.example.com/mcp");
    expect(() => mcpServerUrl({} as Env, "acme", tpl, { sub: "evil.com/#" })).toThrow(ApiError);
    expect(() => mcpServerUrl({} as Env, "acme", tpl, {})).toThrow(/no setting "sub".*reconnect/);
  });
});
