// Reading a non-streamed upstream answer within UPSTREAM_MAX_BODY_BYTES: whole, too large, or cut.
import { describe, expect, it } from "vitest";
import { readAnswer } from "../../../runtime/gateway/upstream-answer";

const chunked = (parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });

describe("readAnswer", () => {
  it("reads a body of declared length whole, counting its bytes", async () => {
    const text = JSON.stringify({ ok: "é" });
    const bytes = new TextEncoder().encode(text).length; // 11: "é" is two bytes
    const res = new Response(text, { headers: { "content-length": String(bytes) } });
    expect(await readAnswer(res, 1_000)).toEqual({ kind: "whole", text, bytes });
  });

  it("refuses a declared length over the cap without reading it", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({ pull(c) { pulled++; c.enqueue(new Uint8Array(10)); } });
    const res = new Response(body, { headers: { "content-length": "5000" } });
    expect(await readAnswer(res, 1_000)).toEqual({ kind: "too_large" });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("counts a chunked body as it arrives and stops at the cap", async () => {
    expect(await readAnswer(new Response(chunked(["x".repeat(600), "y".repeat(600)])), 1_000)).toEqual({ kind: "too_large" });
    expect(await readAnswer(new Response(chunked(["ab", "cd"])), 1_000)).toEqual({ kind: "whole", text: "abcd", bytes: 4 });
  });

  it("a compressed answer is capped by what it inflates to, not by its declared (compressed) length", async () => {
    const res = new Response(chunked(["z".repeat(5_000)]), { headers: { "content-length": "20", "content-encoding": "gzip" } });
    expect(await readAnswer(res, 1_000)).toEqual({ kind: "too_large" });
  });

  it("a body cut mid-way is reported as cut", async () => {
    const body = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new Uint8Array([123])); c.error(new Error("connection reset")); } });
    expect(await readAnswer(new Response(body), 1_000)).toEqual({ kind: "cut", message: "connection reset" });
  });
});
