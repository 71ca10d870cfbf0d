// Worker entry for bench/gateway-profile.ts only: the floor with one more piece of Gatehouse's
// work per step (header `x-floor-mode`), to price that work without Gatehouse around it, and
// to price other ways of relaying a stream while reading its usage.
//
//   hello          a constant JSON reply, no upstream call: the runtime's own cost per request
//                  (Miniflare's entry worker, HTTP, one Response) that every step includes
//   json-apis      json-work plus the runtime calls Gatehouse makes per request around it (request
//                  id, AbortController on the request's signal, timeout timer, waitUntil, headers)
//   native         fetch(upstream) returned as is: the body is piped inside workerd, no JS per chunk
//   json-work      read + JSON.parse the request, JSON.stringify it upstream, read + JSON.parse the
//                  reply and answer with a new Response — the least a billing gateway must do
//   js-pump        the upstream body relayed by a JS read/write loop into a `new TransformStream()`
//                  (the shape of runtime/gateway/stream-pump.ts, observing nothing)
//   identity-pump  the same loop writing into workerd's native IdentityTransformStream
//   identity-byob  the same loop reading into one reused buffer (BYOB) and copying out each chunk
//   identity-nowait  the same, without waiting for each write (only for back-pressure)
//   transform-tap  body.pipeThrough(new TransformStream({ transform })) with the usage tap
//   tee-tap        body.tee(): one branch straight to the client, the other read by the usage tap
//                  (a client that leaves is not noticed: the tee keeps reading for the tap)
//   tee-pipe-read  body.tee(): one branch piped natively into an IdentityTransformStream (its
//                  pipeTo rejects when the client leaves), the other read with plain BYOB reads
//                  and dropped — the cheapest relay that reads the stream at all
//   tee-pipe-tap   the same with the usage tap on the read branch. Not readAtLeast(): it holds
//                  the other branch back until the read is satisfied (the client got the whole
//                  stream at its end)
//   tee-ts-read    tee-pipe-read, piped into a standard `new TransformStream()` instead, with
//                  preventAbort and preventClose (workerd's native pipe into an
//                  IdentityTransformStream errors it whatever the options, so nothing can follow a
//                  cut there; a standard stream stays writable for an error event)
//   pump-tap       runtime/gateway/stream-answer.ts's relayBytes (the stream pump) itself, openai → openai
import { relayBytes } from "../../runtime/gateway/stream-answer";
import { DEFAULT_STREAM_LIMITS } from "../../runtime/gateway/stream-limits";
import { createUsageTap } from "../../runtime/translate";

interface FloorEnv {
  UPSTREAM: string;
}

function pump(body: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>): void {
  const reader = body.getReader();
  const writer = writable.getWriter();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await writer.write(value);
    }
    await writer.close();
  })();
}

/** The same loop reading into one reused buffer (BYOB), copying out what arrived, as stream-pump.ts does. */
function pumpByob(body: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>): void {
  const reader = body.getReader({ mode: "byob" });
  const writer = writable.getWriter();
  void (async () => {
    let buf = new ArrayBuffer(16384);
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buf));
      if (done || !value) break;
      buf = value.buffer as ArrayBuffer;
      await writer.write(value.slice());
    }
    await writer.close();
  })();
}

/** The loop without waiting for each write: writes queue in the stream, the next read starts at once. */
function pumpNoWait(body: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>): void {
  const reader = body.getReader();
  const writer = writable.getWriter();
  let failed = false;
  const onError = () => {
    failed = true;
  };
  void (async () => {
    while (!failed) {
      const { value, done } = await reader.read();
      if (done) break;
      // Back-pressure: wait only when the client is not keeping up.
      if ((writer.desiredSize ?? 0) <= 0) await writer.ready;
      writer.write(value).catch(onError);
    }
    await writer.close();
  })();
}

/** Reads a stream to its end with BYOB reads into one reused buffer, handing each chunk to `each` (a view of that buffer). */
async function readAll(stream: ReadableStream<Uint8Array>, each?: (chunk: Uint8Array) => void): Promise<void> {
  const reader = stream.getReader({ mode: "byob" });
  let buf = new ArrayBuffer(16384);
  for (;;) {
    const r = await reader.read(new Uint8Array(buf));
    if (r.done || !r.value) break;
    buf = r.value.buffer as ArrayBuffer;
    each?.(r.value);
  }
}

async function relay(mode: string, body: ReadableStream<Uint8Array>, model: string, ctx: ExecutionContext): Promise<ReadableStream<Uint8Array> | null> {
  switch (mode) {
    case "js-pump": {
      const t = new TransformStream<Uint8Array, Uint8Array>();
      pump(body, t.writable);
      return t.readable;
    }
    case "identity-nowait": {
      const t = new IdentityTransformStream();
      pumpNoWait(body, t.writable);
      return t.readable;
    }
    case "identity-byob": {
      const t = new IdentityTransformStream();
      pumpByob(body, t.writable);
      return t.readable;
    }
    case "identity-pump": {
      const t = new IdentityTransformStream();
      pump(body, t.writable);
      return t.readable;
    }
    case "transform-tap": {
      const tap = createUsageTap("openai", { model });
      return body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, out) => out.enqueue(tap.push(chunk)) }));
    }
    case "tee-tap": {
      const tap = createUsageTap("openai", { model });
      const [client, mine] = body.tee();
      ctx.waitUntil(
        (async () => {
          const reader = mine.getReader();
          for (let r = await reader.read(); !r.done; r = await reader.read()) tap.push(r.value);
          tap.end();
        })(),
      );
      return client;
    }
    case "tee-ts-read": {
      const [client, mine] = body.tee();
      const t = new TransformStream<Uint8Array, Uint8Array>();
      ctx.waitUntil(client.pipeTo(t.writable, { preventAbort: true, preventClose: true }).then(() => t.writable.close()).catch(() => {}));
      ctx.waitUntil(readAll(mine));
      return t.readable;
    }
    case "tee-pipe-read":
    case "tee-pipe-tap": {
      const tap = mode === "tee-pipe-tap" ? createUsageTap("openai", { model }) : null;
      const [client, mine] = body.tee();
      const t = new IdentityTransformStream();
      ctx.waitUntil(client.pipeTo(t.writable).catch(() => {}));
      ctx.waitUntil(readAll(mine, tap ? (chunk) => tap.push(chunk.slice()) : undefined).then(() => tap?.end()));
      return t.readable;
    }
    default: {
      const started = await relayBytes(body, "openai", { model }, false, () => {}, DEFAULT_STREAM_LIMITS);
      return started.kind === "bytes" ? started.body : null;
    }
  }
}

/**
 * json-work plus the runtime calls Gatehouse makes per request besides its own logic: a request
 * id, an AbortController for the upstream call tied to the request's signal, the upstream
 * timeout set and cleared, a waitUntil, and response headers set afterwards — to price those
 * calls apart from Gatehouse's JS.
 */
async function jsonWithRuntimeApis(req: Request, target: string, body: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
  const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
  const controller = new AbortController();
  req.signal?.addEventListener("abort", () => controller.abort(), { once: true });
  const timer = setTimeout(() => controller.abort(new Error("timeout")), 60_000);
  let upstream: Response;
  try {
    upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
  const text = await upstream.text();
  JSON.parse(text);
  ctx.waitUntil(Promise.resolve());
  const res = new Response(text, { headers: { "content-type": "application/json" } });
  res.headers.set("x-qlaud-request-id", requestId);
  res.headers.set("server-timing", "gw;dur=0.00, upstream;dur=1.00");
  return res;
}

export default {
  async fetch(req: Request, env: FloorEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(req.url);
    const target = `${env.UPSTREAM}${url.pathname}`;
    const mode = req.headers.get("x-floor-mode") ?? "native";
    if (mode === "hello") return Response.json({ ok: true, read: (await req.arrayBuffer()).byteLength });
    if (mode === "native") return fetch(target, { method: req.method, headers: req.headers, body: req.body });

    const body = JSON.parse(await req.text()) as Record<string, unknown>;
    if (mode === "json-apis") return jsonWithRuntimeApis(req, target, body, ctx);
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const headers = { "content-type": upstream.headers.get("content-type") ?? "application/json" };
    if (body.stream !== true || !upstream.body) {
      const text = await upstream.text();
      JSON.parse(text);
      return new Response(text, { headers });
    }
    const relayed = await relay(mode, upstream.body, String(body.model), ctx);
    return relayed ? new Response(relayed, { headers }) : new Response("upstream failed", { status: 502 });
  },
};
