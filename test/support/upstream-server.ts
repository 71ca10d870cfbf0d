// A scripted local upstream that impersonates OpenAI- and Anthropic-shaped providers, for
// tests (pointed at through UPSTREAM_<ID>_URL) and benchmarks. Plain node:http, no vitest
// imports, so it can be started from a vitest globalSetup. Workerd tests that cannot hold the
// object script it over HTTP under /__upstream/ (see upstream-control.ts).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { anthropicMessage, openaiCompletion, sseFromChunks } from "./upstream-streams";

export { loadRecording, recordingsAvailable, RECORDINGS_DIR } from "./recordings";

/** One scripted reply. Without `path` it answers the next request on any path. */
export interface Scenario {
  /** Only requests whose path starts with this (e.g. `/v1/messages`) take this scenario. */
  path?: string;
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (serialised). */
  json?: unknown;
  /** Raw body sent verbatim (e.g. a recorded JSON error); content-type defaults to JSON. */
  text?: string;
  /** Raw SSE body sent as `text/event-stream`, one write per event unless `splitEvery`. */
  sse?: string;
  /** Write the body in pieces of this many bytes. */
  splitEvery?: number;
  /** Pause between pieces. */
  chunkDelayMs?: number;
  /** Pause before the status line. */
  delayMs?: number;
  /** Destroy the socket once this many body bytes are flushed (a mid-stream drop). */
  cutAfterBytes?: number;
  /** Stop writing after this many body bytes but keep the socket open (for abort tests). */
  hangAfterBytes?: number;
  /** Destroy the socket at once, with no response at all. */
  refuse?: boolean;
}

/** A request the upstream received. */
export interface RecordedCall {
  method: string;
  path: string;
  search: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the raw text ("" when empty). */
  body: unknown;
  /** The body exactly as received (pass-through tests compare bytes). */
  raw: string;
  /** Date.now() when the body had been read. */
  at: number;
  /** True once the client closed the connection before the response finished. */
  clientAborted: boolean;
}

export type DefaultReply = Scenario | ((call: RecordedCall) => Scenario);

export interface Upstream {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  /** Every request received, in arrival order (control requests excluded). */
  calls: RecordedCall[];
  enqueue(...scenarios: Scenario[]): void;
  /** Replace the reply used when no scenario matches; `undefined` restores the built-in one. */
  setDefault(reply?: DefaultReply): void;
  /** Drop queued scenarios and recorded calls, restore the built-in default. */
  reset(): void;
  /** Resolves once `n` calls have been recorded (rejects after `timeoutMs`). */
  waitForCalls(n: number, timeoutMs?: number): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

const CONTROL = "/__upstream/";
const DEFAULT_PIECES = ["Hello", " from", " the", " local", " upstream."];

/** 200 with a small valid reply in the shape the path asks for, streaming when `stream: true`. */
export function builtinReply(call: RecordedCall): Scenario {
  const body = (typeof call.body === "object" && call.body !== null ? call.body : {}) as Record<string, unknown>;
  const model = typeof body.model === "string" ? body.model : undefined;
  const stream = body.stream === true;
  if (call.path.endsWith("/chat/completions")) {
    const opts = (body.stream_options ?? {}) as Record<string, unknown>;
    return stream
      ? { status: 200, sse: sseFromChunks("openai", DEFAULT_PIECES, { model, includeUsage: opts.include_usage === true }) }
      : { status: 200, json: openaiCompletion(DEFAULT_PIECES.join(""), { model }) };
  }
  if (call.path.endsWith("/messages")) {
    return stream
      ? { status: 200, sse: sseFromChunks("anthropic", DEFAULT_PIECES, { model }) }
      : { status: 200, json: anthropicMessage(DEFAULT_PIECES.join(""), { model }) };
  }
  return { status: 404, json: { error: { type: "not_found", message: `local upstream has no route for ${call.method} ${call.path}` } } };
}

export async function startUpstream(options: { port?: number } = {}): Promise<Upstream> {
  const queues = new Map<string, Scenario[]>();
  const calls: RecordedCall[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let fallback: DefaultReply = builtinReply;
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const t = setTimeout(() => (timers.delete(t), done()), ms);
      timers.add(t);
    });
  const enqueue = (...scenarios: Scenario[]) => {
    for (const s of scenarios) {
      const key = s.path ?? "";
      queues.set(key, [...(queues.get(key) ?? []), s]);
    }
  };
  // The longest matching path key wins; within a key, first in, first out.
  const take = (call: RecordedCall): Scenario => {
    let best: string | undefined;
    for (const [key, q] of queues) {
      if (q.length > 0 && call.path.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
    }
    const next = best === undefined ? undefined : queues.get(best)?.shift();
    return next ?? (typeof fallback === "function" ? fallback(call) : fallback);
  };
  const reset = () => {
    queues.clear();
    calls.length = 0;
    fallback = builtinReply;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {}); // client resets are expected in abort tests
  });
  server.on("clientError", (_err, s) => s.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on("error", () => {});
    res.on("error", () => {});
    const text = await readBody(req);
    const url = new URL(req.url ?? "/", "http://upstream.local");
    if (url.pathname.startsWith(CONTROL)) return control(url.pathname.slice(CONTROL.length), text, res);
    const call: RecordedCall = {
      method: req.method ?? "GET",
      path: url.pathname,
      search: url.search,
      headers: flatHeaders(req),
      body: parseBody(text),
      raw: text,
      at: Date.now(),
      clientAborted: false,
    };
    calls.push(call);
    for (const w of waiters) w();
    let serverClosed = false;
    res.on("close", () => {
      if (!res.writableFinished && !serverClosed) call.clientAborted = true;
    });
    const s = take(call);
    if (s.delayMs) await sleep(s.delayMs);
    if (s.refuse) {
      serverClosed = true;
      req.socket.destroy();
      return;
    }
    const bytes = Buffer.from(s.sse ?? s.text ?? (s.json === undefined ? "" : JSON.stringify(s.json)));
    const partial = s.cutAfterBytes !== undefined || s.hangAfterBytes !== undefined;
    const headers: Record<string, string> = {
      "content-type": s.sse !== undefined ? "text/event-stream; charset=utf-8" : "application/json",
      ...(s.sse !== undefined ? { "cache-control": "no-cache" } : {}),
      ...(partial || s.sse !== undefined ? {} : { "content-length": String(bytes.length) }),
      ...s.headers,
    };
    res.writeHead(s.status ?? 200, headers);
    res.flushHeaders();
    const limit = Math.min(bytes.length, s.cutAfterBytes ?? s.hangAfterBytes ?? bytes.length);
    const ends = pieceEnds(bytes, s.splitEvery, s.sse !== undefined, limit);
    let from = 0;
    for (const end of ends) {
      if (closed || res.destroyed) return;
      await write(res, bytes.subarray(from, end));
      from = end;
      if (s.chunkDelayMs && end < limit) await sleep(s.chunkDelayMs);
    }
    if (closed || res.destroyed) return;
    if (s.cutAfterBytes !== undefined) {
      serverClosed = true;
      res.socket?.destroy();
    } else if (s.hangAfterBytes === undefined) {
      res.end();
    } // hang: leave the response open until the client gives up or close() runs
  }

  function control(action: string, text: string, res: ServerResponse): void {
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const body = parseBody(text);
    if (action === "enqueue") {
      enqueue(...(Array.isArray(body) ? (body as Scenario[]) : [body as Scenario]));
      reply(200, { ok: true });
    } else if (action === "default") {
      fallback = body === null || body === "" ? builtinReply : (body as Scenario);
      reply(200, { ok: true });
    } else if (action === "reset") {
      reset();
      reply(200, { ok: true });
    } else if (action === "calls") {
      reply(200, calls);
    } else {
      reply(404, { error: `unknown control action "${action}" (enqueue, default, reset, calls)` });
    }
  }

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => ok());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    enqueue,
    setDefault: (reply) => {
      fallback = reply ?? builtinReply;
    },
    reset,
    waitForCalls: (n, timeoutMs = 5_000) =>
      new Promise((ok, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`local upstream saw ${calls.length} call(s), expected ${n} within ${timeoutMs} ms`));
        }, timeoutMs);
        function check() {
          if (calls.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          ok(calls);
        }
        waiters.add(check);
        check();
      }),
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((ok) => server.close(() => ok()));
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}

/** Where piece boundaries fall: fixed windows, SSE event ends, or one piece; capped at `limit`. */
function pieceEnds(bytes: Buffer, splitEvery: number | undefined, isSse: boolean, limit: number): number[] {
  const ends: number[] = [];
  if (splitEvery !== undefined && splitEvery > 0) {
    for (let i = splitEvery; i < limit; i += splitEvery) ends.push(i);
  } else if (isSse) {
    for (let i = 0; i < limit; i++) {
      if (bytes[i] !== 10) continue;
      if (bytes[i + 1] === 10) ends.push(i + 2);
      else if (bytes[i + 1] === 13 && bytes[i + 2] === 10) ends.push(i + 3);
    }
  }
  const capped = ends.filter((e) => e < limit);
  if (limit > 0) capped.push(limit);
  return capped;
}

/** Resolves once the piece is flushed to the socket, or the response is gone. */
function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      res.off("close", finish);
      done();
    };
    res.once("close", finish);
    res.write(chunk, finish);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => done(Buffer.concat(parts).toString("utf8")));
    req.on("close", () => done(Buffer.concat(parts).toString("utf8")));
  });
}

function parseBody(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}
