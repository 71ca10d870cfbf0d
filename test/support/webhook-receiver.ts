// A local HTTP receiver for the tools tests that run inside workerd: it stands in for a
// webhook tool's URL and for a connector's vendor (CONNECTOR_<ID>_URL). It records every
// request by path and answers with replies scripted per path. workerd cannot hold this object,
// so it is scripted over HTTP under /__receiver/ (see test/workers/support/tools.ts).
// Plain node:http on 127.0.0.1 (random port), so a vitest globalSetup can start it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer. */
export interface ReceiverReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  delayMs?: number;
}

/** A request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  search: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body exactly as sent (signature checks need the raw bytes). */
  raw: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

const CONTROL = "/__receiver/";

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const replies = new Map<string, ReceiverReply[]>();
  const received: ReceivedRequest[] = [];

  async function control(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const action = url.pathname.slice(CONTROL.length);
    if (action === "script" && req.method === "POST") {
      const { path, replies: list } = JSON.parse(raw) as { path: string; replies: ReceiverReply[] };
      replies.set(path, list);
      return send(res, { status: 204 });
    }
    if (action === "requests" && req.method === "GET") {
      const prefix = url.searchParams.get("path") ?? "/";
      return send(res, { body: received.filter((r) => r.path.startsWith(prefix)) });
    }
    send(res, { status: 404, body: { error: `unknown control action ${action}` } });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname.startsWith(CONTROL)) return void control(req, res, url, raw);
      received.push({ method: req.method ?? "GET", path: url.pathname, search: url.search, headers: lowerHeaders(req), raw });
      void answer(res, nextReply(replies, url.pathname));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The reply scripted for the longest matching path prefix, used in order; the last one repeats. */
function nextReply(replies: Map<string, ReceiverReply[]>, path: string): ReceiverReply {
  const key = [...replies.keys()].filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  const list = key === undefined ? undefined : replies.get(key);
  if (!list || list.length === 0) return { body: { received: true } };
  return list.length > 1 ? list.shift()! : list[0]!;
}

async function answer(res: ServerResponse, reply: ReceiverReply): Promise<void> {
  if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
  if (!res.destroyed) send(res, reply);
}

function send(res: ServerResponse, reply: ReceiverReply): void {
  const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  const type = typeof reply.body === "string" ? "text/plain" : "application/json";
  res.writeHead(reply.status ?? 200, { "content-type": type, ...reply.headers });
  res.end(text);
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : (value ?? "");
  return out;
}
