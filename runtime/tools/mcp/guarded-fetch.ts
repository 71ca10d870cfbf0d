// The only fetch the MCP client is given. It keeps every request on the MCP server's origin
// (a redirect elsewhere is never followed, so the connection token cannot be carried to
// another host), puts the token on as `Authorization: Bearer`, bounds each call by one
// deadline, caps the bytes read from the server, and answers the standalone GET stream with
// 405 itself: listing and calling tools need no server-initiated messages, and a long-lived
// GET would outlive the call in a Worker.

/** A URL outside the server's origin; thrown before anything is sent. */
export class HostRefused extends Error {
  constructor(
    readonly host: string,
    readonly allowedHost: string,
  ) {
    super(`refused to send to ${host}: this MCP connector may only call ${allowedHost}`);
    this.name = "HostRefused";
  }
}

/** The server's answer went past the byte cap. */
export class AnswerTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the MCP server's answer exceeded ${maxBytes} bytes`);
    this.name = "AnswerTooLarge";
  }
}

export interface GuardOptions {
  /** The MCP server's endpoint: its origin is the only one contacted. */
  serverUrl: URL;
  token: string;
  /** The call's deadline (and the caller's cancellation), merged into every request; read per request, so closing can use its own. */
  signal: () => AbortSignal;
  maxBodyBytes: number;
  fetchFn: typeof fetch;
  /** Told when the cap trips, so the pending request fails now (an SSE read error alone would leave it waiting). */
  onTooLarge: (err: AnswerTooLarge) => void;
  /** One line per request (method, host, path, status); never a header or a body. */
  log?: (line: string) => void;
}

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export function guardedFetch(g: GuardOptions): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    if (url.origin !== g.serverUrl.origin) throw new HostRefused(url.host, g.serverUrl.host);
    const method = (init?.method ?? "GET").toUpperCase();
    if (method === "GET") return new Response(null, { status: 405, statusText: "Method Not Allowed" });
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${g.token}`);
    const signal = init?.signal ? AbortSignal.any([init.signal, g.signal()]) : g.signal();
    const started = Date.now();
    // `manual`: the SDK follows a redirect only within the origin, calling this fetch again (and so the check above).
    const res = await g.fetchFn(url, { ...init, method, headers, signal, redirect: "manual" });
    g.log?.(`mcp: ${method} ${url.host}${url.pathname} → ${res.status} in ${Date.now() - started} ms`);
    if (!res.body) return res;
    return new Response(res.body.pipeThrough(byteCap(g.maxBodyBytes, g.onTooLarge)), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** Passes bytes through until `maxBytes`, then fails the stream (the SDK's read then fails the call). */
function byteCap(maxBytes: number, onTooLarge: (err: AnswerTooLarge) => void): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen <= maxBytes) return controller.enqueue(chunk);
      const err = new AnswerTooLarge(maxBytes);
      onTooLarge(err);
      controller.error(err);
    },
  });
}
