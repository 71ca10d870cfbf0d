// How the pump writes to the client after the first content: one write in flight at a time,
// reading going on meanwhile, what arrives during a write joined into the next one. A client
// that keeps up gets each chunk as it comes; a slow one gets fewer, larger writes with the same
// bytes in the same order; one that stops reading holds the upstream read back once 16 KiB wait.
import { describe, expect, it } from "vitest";
import { createRelayDecoder } from "../../../runtime/gateway/relay-decoder";
import { DEFAULT_STREAM_LIMITS } from "../../../runtime/gateway/stream-limits";
import { startStream } from "../../../runtime/gateway/stream-pump";
import { sseFromChunks } from "../../support/upstream-streams";

const enc = new TextEncoder();
const dec = new TextDecoder();
const events = (n: number) => sseFromChunks("openai", n, { includeUsage: true }).split(/(?<=\n\n)/);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client whose every write takes `writeMs` (or never ends, with Infinity). */
function client(writeMs: number) {
  const writes: Uint8Array[] = [];
  let busy = 0;
  return {
    writes,
    text: () => writes.map((w) => dec.decode(w)).join(""),
    /** True while a write has not finished. */
    busy: () => busy > 0,
    sink: {
      write: async (v: Uint8Array) => {
        writes.push(v);
        if (writeMs === Infinity) return new Promise<void>(() => {});
        busy++;
        await sleep(writeMs);
        busy--;
      },
      close: async () => {},
      abort: async () => {},
    },
  };
}

async function pump(body: ReadableStream<Uint8Array>, sink: ReturnType<typeof client>["sink"]) {
  const started = await startStream(body, createRelayDecoder("openai", { model: "m", includeUsage: true }, DEFAULT_STREAM_LIMITS), sink, false, () => {});
  if (started.kind !== "started") throw new Error("did not start");
  return started.pump;
}

describe("the pump's writes to the client", () => {
  it("a slow client: the upstream's 40 chunks, sent at once, reach it in fewer writes, byte for byte", async () => {
    const all = events(40);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const e of all) c.enqueue(enc.encode(e));
        c.close();
      },
    });
    const c = client(5);
    const end = await pump(body, c.sink);
    expect(c.text()).toBe(all.join(""));
    expect(c.writes.length).toBeLessThan(all.length / 4);
    expect(end.obs.done).toBe(true);
  });

  it("a client that keeps up: one write per chunk, each as it arrives", async () => {
    const evs = events(10);
    const all = [`${evs[0] ?? ""}${evs[1] ?? ""}`, ...evs.slice(2)]; // the first chunk carries the first content: nothing is held back
    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
    const c = client(0);
    const done = pump(body, c.sink);
    for (const [i, e] of all.entries()) {
      ctl.enqueue(enc.encode(e));
      // Relayed (and its write finished) before the next chunk exists: nothing can be joined.
      const want = all.slice(0, i + 1).join("");
      for (const until = Date.now() + 2_000; (c.text() !== want || c.busy()) && Date.now() < until; ) await sleep(1);
      expect(c.text()).toBe(want);
    }
    ctl.close();
    await done;
    expect(c.writes.length).toBe(all.length);
  });

  it("a client that stops reading: the upstream is read no further than 16 KiB ahead", async () => {
    const first = enc.encode(events(2).join("")); // role chunk + first content: the stream starts
    const filler = enc.encode(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "y".repeat(900) } }] })}\n\n`);
    let pulled = 0;
    let sentFirst = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          const chunk = sentFirst ? filler : first;
          sentFirst = true;
          pulled += chunk.length;
          c.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const c = client(Infinity);
    void pump(body, c.sink);
    // Until reading has stopped: no pull for 50 ms.
    for (let seen = -1, until = Date.now() + 3_000; seen !== pulled && Date.now() < until; ) {
      seen = pulled;
      await sleep(50);
    }
    expect(c.writes.length).toBe(1);
    expect(pulled).toBeGreaterThan(16 * 1024);
    expect(pulled).toBeLessThan(16 * 1024 + 4 * filler.length);
  });
});
