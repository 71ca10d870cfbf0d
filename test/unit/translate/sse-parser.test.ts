import { describe, expect, it } from "vitest";
import { SseParser } from "../../../runtime/translate/sse-parser";

function parse(pieces: Array<string | Uint8Array>): Array<[string, string]> {
  const events: Array<[string, string]> = [];
  const p = new SseParser((event, data) => events.push([event, data]));
  for (const piece of pieces) p.push(piece);
  p.end();
  return events;
}

const everySplit = (text: string): Array<Array<[string, string]>> => {
  const bytes = new TextEncoder().encode(text);
  const results: Array<Array<[string, string]>> = [];
  for (let i = 0; i <= bytes.length; i++) results.push(parse([bytes.subarray(0, i), bytes.subarray(i)]));
  results.push(parse(Array.from(bytes, (b) => Uint8Array.of(b))));
  return results;
};

describe("SseParser", () => {
  it("dispatches data events with their event name", () => {
    expect(parse(["event: ping\ndata: {}\n\ndata: x\n\n"])).toEqual([
      ["ping", "{}"],
      ["", "x"],
    ]);
  });

  it("ignores comment lines and id/retry fields", () => {
    expect(parse([": OPENROUTER PROCESSING\n\nid: 7\nretry: 100\ndata: a\n\n: trailing\n\n"])).toEqual([["", "a"]]);
  });

  it("joins multi-line data with newlines", () => {
    expect(parse(["data: {\"a\":\ndata: 1}\n\n"])).toEqual([["", '{"a":\n1}']]);
  });

  it("accepts CRLF and lone CR line ends, also split between chunks", () => {
    const expected = [
      ["e", "one"],
      ["", "two"],
    ];
    expect(parse(["event: e\r\ndata: one\r\n\r\ndata: two\r\r"])).toEqual(expected);
    expect(parse(["event: e\r", "\ndata: one\r", "\n\r", "\ndata: two\r", "\r"])).toEqual(expected);
  });

  it("strips exactly one space after the colon and keeps padding after the value", () => {
    expect(parse(["data:  two spaces\ndata:none   \n\n"])).toEqual([["", " two spaces\nnone   "]]);
  });

  it("treats whitespace-only lines as blank and skips indentation before field names", () => {
    expect(parse(["  data: a\n   \n\tdata: b\n\n"])).toEqual([
      ["", "a"],
      ["", "b"],
    ]);
  });

  it("ignores events without data and resets the event name after each dispatch", () => {
    expect(parse(["event: lonely\n\ndata: x\n\n"])).toEqual([["", "x"]]);
  });

  it("dispatches an unterminated last event at end of input", () => {
    expect(parse(["data: first\n\ndata: {\"cut"])).toEqual([
      ["", "first"],
      ["", '{"cut'],
    ]);
  });

  it("gives the same events for every split point, including inside multi-byte UTF-8", () => {
    const text = "event: message_start\r\ndata: {\"t\":\"héllo 😀 ✓\"}   \r\n\r\n: c\n\ndata: ß\ndata: 中\n\n";
    const expected = [
      ["message_start", '{"t":"héllo 😀 ✓"}   '],
      ["", "ß\n中"],
    ];
    for (const result of everySplit(text)) expect(result).toEqual(expected);
  });

  it("keeps no more than the unfinished line in memory", () => {
    const p = new SseParser(() => undefined);
    for (let i = 0; i < 1000; i++) p.push(`data: {"i":${i}}\n\n`);
    p.push("data: partial");
    // The parser holds only the pending fragment, not the stream so far: its state is the
    // same size as a parser's that saw only that fragment.
    const fresh = new SseParser(() => undefined);
    fresh.push("data: partial");
    expect(JSON.stringify(p).length).toBe(JSON.stringify(fresh).length);
  });
});

describe("SseParser on long lines", () => {
  it("handles a multi-megabyte data line fed in small pieces in linear time", () => {
    const big = "x".repeat(4_000_000);
    const events: string[] = [];
    const p = new SseParser((_e, data) => events.push(data));
    const started = Date.now();
    p.push("data: ");
    for (let i = 0; i < big.length; i += 1000) p.push(big.slice(i, i + 1000));
    p.push("\n\n");
    p.end();
    expect(events).toEqual([big]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("SseParser caps what an upstream can make it hold", () => {
  it("a line that never ends, past maxEventChars: onOverflow once, the rest ignored, nothing kept", () => {
    const events: string[] = [];
    let overflows = 0;
    const p = new SseParser((_e, data) => events.push(data), { maxEventChars: 10_000, onOverflow: () => overflows++ });
    p.push("data: ok\n\n");
    p.push("data: ");
    for (let i = 0; i < 100; i++) p.push("z".repeat(1000));
    p.push("\n\ndata: after\n\n");
    p.end();
    expect(events).toEqual(["ok"]);
    expect(overflows).toBe(1);
  });

  it("an event of many data lines, past maxEventChars: overflow", () => {
    let overflows = 0;
    const p = new SseParser(() => {}, { maxEventChars: 5_000, onOverflow: () => overflows++ });
    for (let i = 0; i < 100; i++) p.push(`data: ${"w".repeat(100)}\n`);
    expect(overflows).toBe(1);
  });
});
