// Sits between a client and Gatehouse and records what the client really sent (method, path,
// headers with credentials redacted, the body as received), then relays the request and
// streams the answer back untouched. The captures become fixtures for regression tests.
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ClientRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
  /** Gatehouse's answer status. */
  status?: number;
}

export interface ClientRecorder {
  url: string;
  requests: ClientRequest[];
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(["authorization", "x-api-key", "cookie"]);

function recordHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k) ? "<redacted>" : Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export async function startClientRecorder(target: string): Promise<ClientRecorder> {
  const requests: ClientRequest[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(parts);
      const text = raw.toString("utf8");
      let body: unknown = text;
      try {
        body = text === "" ? "" : (JSON.parse(text) as unknown);
      } catch {
        // not JSON: keep the text
      }
      const entry: ClientRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: recordHeaders(req.headers), body };
      requests.push(entry);
      const upstream = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (answer) => {
          entry.status = answer.statusCode;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (e) => res.writeHead(502).end(String(e)));
      upstream.end(raw);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
