import { describe, expect, it } from "vitest";
import { createEventChannel } from "../../../runtime/gateway/event-channel";

describe("event channel (the pump → complete()'s reader)", () => {
  it("a write resolves only once the reader took it (backpressure), and close ends the reading after the queue", async () => {
    const ch = createEventChannel<number>();
    let taken = false;
    const w = ch.write(1).then(() => (taken = true));
    await Promise.resolve();
    expect(taken).toBe(false);
    const it = ch.readable[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 1, done: false });
    await w;
    expect(taken).toBe(true);
    void ch.write(2);
    await ch.close();
    expect(await it.next()).toEqual({ value: 2, done: false });
    expect((await it.next()).done).toBe(true);
  });

  it("a reader that stops: pending and later writes fail (for the pump, a client gone)", async () => {
    const ch = createEventChannel<number>();
    const pendingWrite = ch.write(1);
    await ch.readable[Symbol.asyncIterator]().return?.();
    await expect(pendingWrite).rejects.toThrow(/gone/);
    await expect(ch.write(2)).rejects.toThrow(/gone/);
  });

  it("abort: a reader waiting for the next batch sees the end", async () => {
    const ch = createEventChannel<number>();
    const next = ch.readable[Symbol.asyncIterator]().next();
    await ch.abort();
    expect((await next).done).toBe(true);
  });
});
