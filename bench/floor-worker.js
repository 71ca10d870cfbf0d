// The floors of bench:gateway: trivial pass-through Workers. Whatever the plain floor costs is
// the price of the runtime itself (one hop into workerd, one fetch out, the body streamed back),
// so Gatehouse's throughput is reported as a ratio of this one's, in the same run.
// With READING=1 it is the *reading floor* (issue 21): the cheapest relay that reads every chunk
// of a stream, as billing must — the upstream body tee'd, one branch piped natively to the client,
// the other read with BYOB reads into one buffer and dropped. JSON answers pass as on the floor.
export default {
  async fetch(req, env, ctx) {
    const url = new URL(req.url);
    const res = await fetch(`${env.UPSTREAM}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body: req.body });
    if (env.READING !== "1" || !res.body || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return res;
    const [client, mine] = res.body.tee();
    const t = new IdentityTransformStream();
    ctx.waitUntil(client.pipeTo(t.writable).catch(() => {}));
    ctx.waitUntil(
      (async () => {
        const reader = mine.getReader({ mode: "byob" });
        let buf = new ArrayBuffer(16384);
        for (;;) {
          const r = await reader.read(new Uint8Array(buf));
          if (r.done || !r.value) break;
          buf = r.value.buffer;
        }
      })().catch(() => {}),
    );
    return new Response(t.readable, { status: res.status, headers: res.headers });
  },
};
