// A proxy that lets nothing through: the clients get it as HTTPS_PROXY/HTTP_PROXY (loopback
// excluded with NO_PROXY), so any call a client makes beyond Gatehouse — telemetry, update
// checks, model lists — is refused and recorded here instead of reaching the internet.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface NetworkGuard {
  url: string;
  /** `host:port` (CONNECT) or absolute URLs a client tried to reach. */
  attempts: string[];
  /** Proxy variables for a client's environment. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startNetworkGuard(): Promise<NetworkGuard> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method ?? "GET"} ${req.url ?? ""}`);
    res.writeHead(403, { "content-type": "text/plain" }).end("blocked by test:clients (no internet)");
  });
  server.on("connect", (req, socket) => {
    attempts.push(`CONNECT ${req.url ?? ""}`);
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    attempts,
    env: () => ({
      HTTPS_PROXY: url,
      https_proxy: url,
      HTTP_PROXY: url,
      http_proxy: url,
      ALL_PROXY: url,
      all_proxy: url,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    }),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
