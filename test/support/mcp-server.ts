// A real MCP server for tests, built with the official SDK (its low-level Server, so tools/list
// can page with cursors, + StreamableHTTPServerTransport) on node:http at 127.0.0.1:<free port>.
// It demands `Authorization: Bearer <token>` on every request (a wrong one gets 401 with the
// token echoed back, to prove the client redacts it), records what it received, and serves:
//   echo {text}          → the text
//   add {a, b}           → the sum (text + structuredContent)
//   fail {reason}        → isError with "could not do it: <reason>"
//   slow {ms}            → answers after ms (timeouts)
//   big {chars}          → that many characters (max_chars, byte cap)
//   mixed                → text, image, resource link, embedded resources (rendering)
//   whoami               → what the tool layer saw in Authorization (token echoed: redaction)
//   filler_<n>           → `fillerTools` extra tools (bounds)
// plus tools with a name or schema a client must leave out when `oddTools` is set.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, isInitializeRequest, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";

export interface McpServerOptions {
  /** The connection token every request must carry as a Bearer token. */
  token: string;
  /** Tools per tools/list page (3). */
  pageSize?: number;
  /** No sessions: a fresh server and transport per request (sessionIdGenerator undefined). */
  stateless?: boolean;
  /** Plain JSON answers instead of SSE streams. */
  jsonResponse?: boolean;
  fillerTools?: number;
  oddTools?: boolean;
  /** tools/list always answers this same cursor (a broken server). */
  loopingCursor?: boolean;
}

export interface RecordedMcpRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  sessionId: string | undefined;
  /** JSON-RPC methods in the body (POST). */
  rpc: string[];
  cursor?: string;
}

export interface TestMcpServer {
  /** The MCP endpoint, http://127.0.0.1:<port>/mcp */
  url: string;
  /** Same server, a path that redirects (307) to another origin. */
  redirectUrl: string;
  requests: RecordedMcpRequest[];
  /** Sessions currently open (stateful mode). */
  openSessions(): number;
  reset(): void;
  close(): Promise<void>;
}

const ANNOTATED: Tool[] = [
  {
    name: "echo",
    title: "Echo",
    description: "Returns the text it is given.",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  },
  {
    name: "add",
    description: "Adds two numbers.",
    inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    outputSchema: { type: "object", properties: { sum: { type: "number" } }, required: ["sum"] },
    annotations: { readOnlyHint: true },
  },
  { name: "fail", description: "Always fails.", inputSchema: { type: "object", properties: { reason: { type: "string" } } }, annotations: { destructiveHint: false } },
  { name: "slow", description: "Answers after `ms` milliseconds.", inputSchema: { type: "object", properties: { ms: { type: "number" } } } },
  { name: "big", description: "Returns `chars` characters.", inputSchema: { type: "object", properties: { chars: { type: "number" } } } },
  { name: "mixed", description: "Returns one part of every kind.", inputSchema: { type: "object", properties: {} } },
  { name: "whoami", description: `Says which bearer token reached it. ${"Long description. ".repeat(100)}`, inputSchema: { type: "object", properties: {} }, annotations: { destructiveHint: true } },
];

function toolsOf(opts: McpServerOptions): Tool[] {
  const tools = [...ANNOTATED];
  for (let i = 1; i <= (opts.fillerTools ?? 0); i++) tools.push({ name: `filler_${i}`, description: `Filler tool ${i}.`, inputSchema: { type: "object" } });
  if (opts.oddTools) {
    tools.push({ name: "has space", description: "A name a client cannot address.", inputSchema: { type: "object" } });
    tools.push({ name: "huge_schema", description: "A schema over the client's size limit.", inputSchema: { type: "object", description: "x".repeat(40_000) } });
    tools.push({ name: "echo", description: "A duplicate name.", inputSchema: { type: "object" } });
  }
  return tools;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}

function text(t: string): CallToolResult {
  return { content: [{ type: "text", text: t }] };
}

function mcpServer(opts: McpServerOptions): Server {
  const server = new Server({ name: "gatehouse-test-mcp", version: "1.0.0" }, { capabilities: { tools: {} } });
  const tools = toolsOf(opts);
  const pageSize = opts.pageSize ?? 3;
  server.setRequestHandler(ListToolsRequestSchema, (req) => {
    const cursor = req.params?.cursor;
    const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, "base64url").toString());
    if (!Number.isInteger(start) || start < 0 || start > tools.length) throw new McpError(ErrorCode.InvalidParams, `bad cursor ${cursor}`);
    const end = start + pageSize;
    const next = opts.loopingCursor ? Buffer.from("0").toString("base64url") : end < tools.length ? Buffer.from(String(end)).toString("base64url") : undefined;
    return { tools: tools.slice(start, end), ...(next !== undefined ? { nextCursor: next } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    switch (req.params.name) {
      case "echo":
        return text(String(args.text ?? ""));
      case "add": {
        const sum = Number(args.a) + Number(args.b);
        return { content: [{ type: "text", text: String(sum) }], structuredContent: { sum } };
      }
      case "fail":
        return { isError: true, content: [{ type: "text", text: `could not do it: ${String(args.reason ?? "no reason")}` }] };
      case "slow":
        await sleep(Number(args.ms ?? 1000), extra.signal);
        return text("finally");
      case "big":
        return text("y".repeat(Number(args.chars ?? 10)));
      case "mixed":
        return {
          content: [
            { type: "text", text: "here you go" },
            { type: "image", data: Buffer.from("0123456789").toString("base64"), mimeType: "image/png" },
            { type: "resource_link", uri: "file:///report.pdf", name: "report", mimeType: "application/pdf" },
            { type: "resource", resource: { uri: "file:///notes.txt", mimeType: "text/plain", text: "the notes" } },
            { type: "resource", resource: { uri: "file:///blob.bin", mimeType: "application/octet-stream", blob: Buffer.from("abcd").toString("base64") } },
          ],
        };
      case "whoami":
        return text(`you are ${String(extra.requestInfo?.headers.authorization ?? "nobody")}`);
      default:
        throw new McpError(ErrorCode.InvalidParams, `Tool ${req.params.name} not found`);
    }
  });
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  return raw === "" ? undefined : JSON.parse(raw);
}

function rpcMethods(body: unknown): string[] {
  const list = Array.isArray(body) ? body : [body];
  return list.flatMap((m) => (m && typeof m === "object" && typeof (m as { method?: unknown }).method === "string" ? [(m as { method: string }).method] : []));
}

export async function startMcpServer(opts: McpServerOptions): Promise<TestMcpServer> {
  const requests: RecordedMcpRequest[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let base = "";

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const auth = req.headers.authorization;
    const sessionHeader = req.headers["mcp-session-id"];
    const sessionId = typeof sessionHeader === "string" ? sessionHeader : undefined;
    const body = req.method === "POST" ? await readJson(req) : undefined;
    const rpc = rpcMethods(body);
    const cursor = (body as { params?: { cursor?: string } } | undefined)?.params?.cursor;
    requests.push({ method: req.method ?? "", path, authorization: auth, sessionId, rpc, ...(cursor !== undefined ? { cursor } : {}) });

    if (path === "/redirect") {
      res.writeHead(307, { location: "http://localhost:1/elsewhere" }).end();
      return;
    }
    if (path !== "/mcp") {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such endpoint");
      return;
    }
    if (auth !== `Bearer ${opts.token}`) {
      const shown = auth?.replace(/^Bearer /, "") ?? "(none)";
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"' });
      res.end(JSON.stringify({ error: "invalid_token", error_description: `token ${shown} is not valid for this server` }));
      return;
    }
    if (opts.stateless) {
      const server = mcpServer(opts);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: opts.jsonResponse ?? false });
      res.on("close", () => void transport.close().then(() => server.close()));
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }
    let transport = sessionId !== undefined ? sessions.get(sessionId) : undefined;
    if (!transport && sessionId === undefined && req.method === "POST" && isInitializeRequest(body)) {
      const server = mcpServer(opts);
      const fresh = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: opts.jsonResponse ?? false,
        onsessioninitialized: (id) => void sessions.set(id, fresh),
        onsessionclosed: (id) => void sessions.delete(id),
      });
      fresh.onclose = () => {
        if (fresh.sessionId !== undefined) sessions.delete(fresh.sessionId);
      };
      await server.connect(fresh);
      transport = fresh;
    }
    if (!transport) {
      res.writeHead(sessionId === undefined ? 400 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: sessionId === undefined ? "no session: initialize first" : "session not found" }, id: null }));
      return;
    }
    await transport.handleRequest(req, res, body);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url: `${base}/mcp`,
    redirectUrl: `${base}/redirect`,
    requests,
    openSessions: () => sessions.size,
    reset: () => void requests.splice(0),
    close: async () => {
      for (const t of sessions.values()) await t.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
