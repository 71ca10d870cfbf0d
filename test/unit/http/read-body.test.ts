// The body limit's edge: a body of exactly the limit is read, one byte more is a 413 — with a
// Content-Length and without one (chunked, counted as it streams) — and the bytes read are
// the bytes sent (pass-through forwards them).
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { bodyByteLength, GATEWAY_MAX_BODY_BYTES, MAX_BODY_BYTES, rawBodyOf, readJsonBody, readRawBody } from "../../../runtime/http/read-body";

/** A JSON body of exactly `size` bytes: a string of spaces-free filler. */
function jsonOfSize(size: number): string {
  const frame = '{"a":""}'.length;
  return `{"a":"${"x".repeat(size - frame)}"}`;
}

function withLength(text: string): Request {
  return new Request("http://gw.local/v1/messages", { method: "POST", body: text, headers: { "content-type": "application/json", "content-length": String(new TextEncoder().encode(text).length) } });
}

/** No Content-Length: the body arrives in pieces, as a chunked upload does. */
function chunked(text: string, piece = 4096): Request {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += piece) c.enqueue(bytes.slice(i, i + piece));
      c.close();
    },
  });
  return new Request("http://gw.local/v1/messages", { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiError) return e.status;
    throw e;
  }
}

describe.each([
  ["with a Content-Length", withLength],
  ["chunked", chunked],
])("the body limit, %s", (_name, make) => {
  it.each([
    ["the default limit (1 MiB)", undefined, MAX_BODY_BYTES],
    ["a configured limit", 65_536, 65_536],
  ])("%s: exactly at it is read, one byte over is a 413", async (_what, maxBytes, limit) => {
    const atLimit = make(jsonOfSize(limit));
    expect(await status(readJsonBody(atLimit, { maxBytes }))).toBe(200);
    expect(bodyByteLength(atLimit)).toBe(limit);
    expect(await status(readJsonBody(make(jsonOfSize(limit + 1)), { maxBytes }))).toBe(413);
  });
});

describe("what is read", () => {
  it("the gateway default matches Anthropic's own request limit (32 MB)", () => {
    expect(GATEWAY_MAX_BODY_BYTES).toBe(32 * 1024 * 1024);
  });

  it("keeps the exact bytes sent (pass-through forwards them, never a re-serialization)", async () => {
    const text = '{ "model" :"m",\n "x": 1.0 }';
    const req = chunked(text, 3);
    await readJsonBody(req);
    expect(new TextDecoder().decode(rawBodyOf(req))).toBe(text);
    expect(new TextDecoder().decode(await readRawBody(withLength(text)))).toBe(text);
  });

  it("the 413 names the configured limit", async () => {
    await expect(readJsonBody(withLength(jsonOfSize(2049)), { maxBytes: 2048 })).rejects.toThrow(/larger than 2048 bytes/);
  });
});
