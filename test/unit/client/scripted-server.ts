import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterEach } from "vitest";
import { Gatehouse, type ClientOptions } from "../../../generated/client/index";
import type { AddressInfo } from "node:net";

/** One request the server saw: method, path and query, and the JSON body if any. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Request headers (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** When the request's body had arrived (ms since the epoch). */
  at: number;
}

export type Script = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A tiny local HTTP server (127.0.0.1, random port) answering each request with `script`. */
export async function scriptedServer(script: Script): Promise<{ baseURL: string; seen: SeenRequest[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const text = Buffer.concat(chunks).toString("utf8");
      const r: SeenRequest = { method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), body: text ? JSON.parse(text) : undefined, headers: req.headers, at: Date.now() };
      seen.push(r);
      Promise.resolve(script(r, res)).catch((e: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { type: "api_error", message: String(e) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    seen,
    // A client that stopped reading mid-stream may hold its socket open (abort on break is issue 19's).
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Writes each chunk separately (with a pause between, so the client reads them apart), then ends. */
export async function sendChunks(res: ServerResponse, chunks: string[]): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
  for (const c of chunks) {
    res.write(c);
    await new Promise((r) => setTimeout(r, 5));
  }
  res.end();
}

/**
 * A generated client against a scripted server, the server closed after each test of the file
 * that calls it (vitest's afterEach, registered once per file).
 */
export function useScriptedClient(): (script: Script, options?: Partial<ClientOptions>) => Promise<{ client: Gatehouse; seen: SeenRequest[] }> {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((close) => close()));
  });
  return async (script, options) => {
    const server = await scriptedServer(script);
    open.push(server.close);
    return { client: new Gatehouse({ baseURL: server.baseURL, apiKey: "qlk_test_x", ...options }), seen: server.seen };
  };
}
