// The MCP client as the Gatehouse Worker's own test build loads it (vitest-pool-workers, inside
// workerd): against an SDK server running in the same isolate (its web-standard transport,
// reached through the client's `fetch` option, so no socket is needed), list every page and
// call tools; the guard, Bearer header and redaction still apply. The network path in workerd
// is covered by test/unit/tools/mcp-workerd.test.ts (Miniflare against a node server).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callMcpTool, listMcpTools, McpFailure } from "../../runtime/tools/mcp";

const URL_ = "https://mcp.example.test/api/v1/connect";
const TOKEN = "zap_conn_SECRET_in_isolate_31337";
const TOOLS: Tool[] = ["alpha", "beta", "gamma"].map((name) => ({
  name,
  description: `Tool ${name}.`,
  inputSchema: { type: "object", properties: { text: { type: "string" } } },
  outputSchema: { type: "object", properties: { echoed: { type: "string" } } },
}));

/** A stateless SDK server per request, in this isolate; refuses any other token with 401. */
async function serve(request: Request, seen: string[]): Promise<Response> {
  seen.push(`${request.method} ${new URL(request.url).host}`);
  if (request.headers.get("authorization") !== `Bearer ${TOKEN}`) {
    return Response.json({ error: "invalid_token", error_description: `bad token ${request.headers.get("authorization")}` }, { status: 401 });
  }
  const noValidation = { getValidator: () => (input: unknown) => ({ valid: true as const, data: input as never, errorMessage: undefined }) };
  const server = new Server({ name: "in-isolate", version: "1.0.0" }, { capabilities: { tools: {} }, jsonSchemaValidator: noValidation });
  server.setRequestHandler(ListToolsRequestSchema, (req) => {
    const start = Number(req.params?.cursor ?? "0");
    return { tools: TOOLS.slice(start, start + 1), ...(start + 1 < TOOLS.length ? { nextCursor: String(start + 1) } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, (req) => {
    const text = String((req.params.arguments as { text?: unknown } | undefined)?.text ?? "");
    if (req.params.name === "gamma") return { isError: true, content: [{ type: "text", text: `gamma broke on ${text}` }] };
    return { content: [{ type: "text", text: `${req.params.name}: ${text}` }], structuredContent: { echoed: text } };
  });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await server.connect(transport);
  return transport.handleRequest(request);
}

function inIsolate(seen: string[]): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => serve(new Request(input, init), seen)) as typeof fetch;
}

describe("MCP client in the Worker's test build", () => {
  it("lists every page and calls tools (SSE answers, output schemas without Ajv)", async () => {
    const seen: string[] = [];
    const tools = await listMcpTools(env, URL_, TOKEN, { fetch: inIsolate(seen) });
    expect(tools.map((t) => t.name)).toEqual(["alpha", "beta", "gamma"]);
    expect(seen.every((s) => s.endsWith("mcp.example.test"))).toBe(true);
    expect(await callMcpTool(env, URL_, TOKEN, "beta", { text: `hi ${TOKEN}` }, { fetch: inIsolate(seen) })).toEqual({ ok: true, status: 200, content: "beta: hi [redacted]", truncated: false });
    expect(await callMcpTool(env, URL_, TOKEN, "gamma", { text: "x" }, { fetch: inIsolate(seen) })).toEqual({ ok: false, kind: "vendor", status: 502, retryable: false, message: "the MCP tool gamma failed: gamma broke on x" });
  });

  it("a wrong token: missing_credential 401, the token redacted", async () => {
    const wrong = "zap_conn_WRONG_in_isolate_4242";
    const err = await listMcpTools(env, URL_, wrong, { fetch: inIsolate([]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpFailure);
    expect((err as McpFailure).outcome).toMatchObject({ kind: "missing_credential", status: 401 });
    expect((err as McpFailure).message).toContain("bad token Bearer [redacted]");
    expect((err as McpFailure).message).not.toContain(wrong);
  });
});
