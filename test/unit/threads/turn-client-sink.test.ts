// The streamed turn's writer to its client: writes pass while the client reads; a hang-up, a
// cancelled stream or a client that stops reading altogether all end in "gone", so the turn
// stops waiting and can finish (and release its thread).
import { describe, expect, it } from "vitest";
import { ClientSink } from "../../../runtime/threads/turn-client-sink";

/** A writable whose reader reads nothing (a high-water mark of 0: every write waits for a read). */
function unread() {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, { highWaterMark: 0 }, { highWaterMark: 0 });
  return { readable, writable };
}

describe("ClientSink", () => {
  it("passes writes to a client that reads", async () => {
    const { readable, writable } = unread();
    const sink = new ClientSink(writable, undefined, 5_000);
    const reader = readable.getReader();
    const read = reader.read();
    await sink.send("event: a\n\n");
    expect(new TextDecoder().decode((await read).value)).toBe("event: a\n\n");
    expect(sink.clientGone).toBe(false);
  });

  it("a client that stops reading counts as gone after the stall time, and later writes return at once", async () => {
    const { writable } = unread();
    const sink = new ClientSink(writable, undefined, 50);
    const t0 = Date.now();
    await sink.send("never read");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(sink.clientGone).toBe(true);
    const t1 = Date.now();
    await sink.send("dropped");
    expect(Date.now() - t1).toBeLessThan(20);
    await sink.close();
  });

  it("the request's hang-up signal ends a waiting write", async () => {
    const { writable } = unread();
    const hangUp = new AbortController();
    const sink = new ClientSink(writable, hangUp.signal, 60_000);
    const sending = sink.send("waiting");
    hangUp.abort();
    await sending;
    expect(sink.clientGone).toBe(true);
  });

  it("a cancelled stream ends a waiting write", async () => {
    const { readable, writable } = unread();
    const sink = new ClientSink(writable, undefined, 60_000);
    const sending = sink.send("waiting");
    await readable.cancel();
    await sending;
    expect(sink.clientGone).toBe(true);
  });
});
