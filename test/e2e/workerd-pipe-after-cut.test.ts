// What workerd lets a relay do after its upstream is cut, when the client's bytes are piped
// natively — the question issue 21's native pipe turns on. Pinned against the Miniflare this
// project installs, with a plain Worker (no Gatehouse code), over a raw HTTP/1.1 socket:
//
// - piped into an IdentityTransformStream (the only destination workerd pipes without a JS turn
//   per chunk), the cut errors the destination *whatever the pipe's options* — preventAbort
//   included — so no error event can follow, and the body ends with the chunked terminator, a
//   clean HTTP end (workerd#6818). When this test fails, workerd changed: the native pipe
//   (STREAM_NATIVE_PIPE) could then end a cut stream with an error and become the default.
// - piped into a standard `new TransformStream()` with preventAbort and preventClose, the
//   destination stays writable: the relay writes an error event, then closes. That keeps the
//   guarantee, but costs more than the JS relay (gateway-profile's `tee-ts-read` step).
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const WORKER = `
export default {
  async fetch(req, env, ctx) {
    const into = new URL(req.url).pathname.slice(1);
    const res = await fetch(env.UPSTREAM);
    const [client, meter] = res.body.tee();
    const t = into === "identity" ? new IdentityTransformStream() : new TransformStream();
    const piped = client.pipeTo(t.writable, { preventAbort: true, preventClose: true }).then(() => "ended", () => "failed");
    ctx.waitUntil((async () => {
      const r = meter.getReader();
      try { for (;;) if ((await r.read()).done) break; } catch {}
      await piped;
      // Bounded: on an errored destination a write may never settle.
      const late = new Promise((_, no) => setTimeout(() => no(new Error("late")), 500));
      try {
        const w = t.writable.getWriter();
        await Promise.race([w.write(new TextEncoder().encode("\\n\\nevent: error\\ndata: {\\"type\\":\\"error\\"}\\n\\n")), late]);
        await Promise.race([w.close(), late]);
      } catch {}
    })());
    return new Response(t.readable, { headers: { "content-type": "text/event-stream" } });
  },
};`;

let upstream: Server;
let mf: Miniflare;
let port = 0;

beforeAll(async () => {
  // Three whole events, half of a fourth, then the connection is destroyed.
  upstream = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (let n = 0; n < 3; n++) res.write(`data: {"n":${n}}\n\n`);
    res.write('data: {"ha');
    setTimeout(() => res.socket?.destroy(), 30);
  });
  await new Promise<void>((ok) => upstream.listen(0, "127.0.0.1", ok));
  const address = upstream.address();
  if (address === null || typeof address === "string") throw new Error("no upstream port");
  mf = new Miniflare({ modules: true, script: WORKER, bindings: { UPSTREAM: `http://127.0.0.1:${address.port}` }, compatibilityDate: "2026-04-26", host: "127.0.0.1", port: 0 });
  port = Number((await mf.ready).port);
});

afterAll(async () => {
  await mf?.dispose();
  await new Promise((ok) => upstream?.close(ok));
});

/** The de-chunked body and whether it ended with the chunked terminator (a clean end). */
function get(path: string): Promise<{ body: string; terminated: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let raw = Buffer.alloc(0);
    const done = () => {
      socket.destroy();
      const text = raw.toString("latin1");
      const parts: string[] = [];
      let at = text.indexOf("\r\n\r\n") + 4;
      let terminated = false;
      for (;;) {
        const eol = text.indexOf("\r\n", at);
        if (eol < 0) break;
        const size = Number.parseInt(text.slice(at, eol), 16);
        if (size === 0) {
          terminated = true;
          break;
        }
        parts.push(text.slice(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      resolve({ body: Buffer.from(parts.join(""), "latin1").toString("utf8"), terminated });
    };
    socket.on("connect", () => socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`));
    socket.on("data", (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      if (raw.includes("\r\n0\r\n\r\n")) done();
    });
    socket.on("end", done);
    socket.on("error", done);
    socket.setTimeout(5_000, done);
  });
}

const sent = 'data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: {"ha';

describe("workerd: a native pipe whose upstream is cut", () => {
  it("into an IdentityTransformStream: the destination is errored despite preventAbort, the body ends cleanly, no error event can follow (workerd#6818)", async () => {
    const r = await get("/identity");
    expect(r.body).toBe(sent);
    expect(r.terminated).toBe(true);
  });

  it("into a standard TransformStream with preventAbort: still writable, so the error event follows the bytes sent", async () => {
    const r = await get("/standard");
    expect(r.body).toBe(`${sent}\n\nevent: error\ndata: {"type":"error"}\n\n`);
    expect(r.terminated).toBe(true);
  });
});
