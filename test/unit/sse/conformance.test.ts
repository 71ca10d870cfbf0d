// SSE conformance: one table of cases, run against both copies of the one parser
// (codegen/templates/sse-parser.ts): the gateway's (runtime/translate/sse-parser.ts, over
// generated/shared/sse-parser.ts) and the client's (generated/client/sse.ts, through its
// `iterateSse`). Every case is fed whole, split at every byte, one byte at a time and in
// random multi-splits; all must give the same events. Plus linear time on a 2 MB event.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { iterateSse, SseParser as ClientSseParser } from "../../../generated/client/sse";
import { SseParser as RuntimeSseParser } from "../../../runtime/translate/sse-parser";
import { seededRandom } from "../../support/random";

interface Ev {
  event: string;
  data: string;
  id: string;
  retry?: number;
}
interface Result {
  events: Ev[];
  unterminated: boolean;
}

const enc = new TextEncoder();

/** The gateway's parser, fed synchronously. */
function runRuntime(chunks: Uint8Array[]): Result {
  const events: Ev[] = [];
  let retry: number | undefined;
  const p = new RuntimeSseParser(
    (event, data, id) => events.push(retry === undefined ? { event, data, id } : { event, data, id, retry }),
    { onRetry: (ms) => (retry = ms) },
  );
  for (const c of chunks) p.push(c);
  p.end();
  return { events, unterminated: p.unterminated };
}

/** The client's copy, through its async iterator over a ReadableStream of the chunks. */
async function runClient(chunks: Uint8Array[]): Promise<Result> {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
  const events: Ev[] = [];
  let unterminated = false;
  for await (const m of iterateSse(body)) {
    if (m.unterminated) unterminated = true;
    events.push(m.retry === undefined ? { event: m.event, data: m.data, id: m.id } : { event: m.event, data: m.data, id: m.id, retry: m.retry });
  }
  return { events, unterminated };
}

const IMPLS: Array<[string, (chunks: Uint8Array[]) => Result | Promise<Result>]> = [
  ["runtime", runRuntime],
  ["client", runClient],
];

const ev = (data: string, event = "", id = "", retry?: number): Ev => (retry === undefined ? { event, data, id } : { event, data, id, retry });

interface Case {
  name: string;
  input: string;
  events: Ev[];
  unterminated?: boolean;
}

const CASES: Case[] = [
  { name: "event names, reset after each dispatch", input: "event: ping\ndata: {}\n\ndata: x\n\n", events: [ev("{}", "ping"), ev("x")] },
  { name: "CRLF line ends", input: "event: e\r\ndata: one\r\n\r\ndata: two\r\n\r\n", events: [ev("one", "e"), ev("two")] },
  { name: "lone CR line ends", input: "data: a\r\rdata: b\r\r", events: [ev("a"), ev("b")] },
  { name: "mixed line ends", input: "data: a\r\ndata: b\n\rdata: c\r\n\n", events: [ev("a\nb"), ev("c")] },
  { name: "CR then LF in two places is two line ends", input: "data: a\n\rdata: b\r\n\r\n", events: [ev("a"), ev("b")] },
  { name: "comments anywhere", input: ": hello\n\n:\ndata: x\n: mid\ndata: y\n\n: tail\n\n", events: [ev("x\ny")] },
  { name: "multi-line data", input: 'data: {"a":\ndata: 1}\ndata:\ndata: end\n\n', events: [ev('{"a":\n1}\n\nend')] },
  { name: "one space after the colon stripped, the rest kept", input: "data:  two\ndata:none   \n\n", events: [ev(" two\nnone   ")] },
  { name: "fields without a colon have empty values", input: "data\ndata\ndata: x\n\nevent\ndata: y\n\ndata\n\n", events: [ev("\n\nx"), ev("y"), ev("")] },
  { name: "an event without data is not dispatched", input: "event: lonely\n\nid: 3\n\ndata: x\n\n", events: [ev("x", "", "3")] },
  {
    name: "id carries over; empty id resets; id with NUL ignored",
    input: "id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 7\n\nid: bad\0x\ndata: d\n\n",
    events: [ev("a", "", "1"), ev("b", "", "1"), ev("c", "", ""), ev("d", "", "7")],
  },
  {
    name: "retry: ASCII digits only",
    input: "retry: 1000\ndata: a\n\nretry: 15x\ndata: b\n\nretry:\ndata: c\n\nretry: 20\ndata: d\n\n",
    events: [ev("a", "", "", 1000), ev("b", "", "", 1000), ev("c", "", "", 1000), ev("d", "", "", 20)],
  },
  { name: "unknown fields ignored", input: "foo: bar\nDATA: no\ndata : no\ndata: x\n\n", events: [ev("x")] },
  { name: "a leading BOM is dropped", input: "\uFEFFdata: a\n\n", events: [ev("a")] },
  { name: "only one BOM is dropped", input: "\uFEFF\uFEFFdata: a\n\ndata: b\n\n", events: [ev("b")] },
  { name: "a BOM later is data", input: "data: \uFEFFa\n\n", events: [ev("\uFEFFa")] },
  { name: "multi-byte UTF-8", input: 'event: message_start\r\ndata: {"t":"héllo 😀 ✓"}\r\n\r\ndata: ß\ndata: 中\n\n', events: [ev('{"t":"héllo 😀 ✓"}', "message_start"), ev("ß\n中")] },
  { name: "last event without its blank line is dispatched, flagged", input: "data: first\n\ndata: last", events: [ev("first"), ev("last")], unterminated: true },
  { name: "last event with one line end only", input: "data: first\n\ndata: [DONE]\n", events: [ev("first"), ev("[DONE]")], unterminated: true },
  { name: "last event ending in CR", input: "event: message_stop\ndata: {}\r", events: [ev("{}", "message_stop")], unterminated: true },
  { name: "trailing comment is not an unterminated event", input: "data: a\n\n: keep-alive", events: [ev("a")], unterminated: false },
  {
    name: "an OpenAI stream ending [DONE]",
    input: 'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"choices":[],"usage":{"total_tokens":3}}\n\ndata: [DONE]\n\n',
    events: [ev('{"choices":[{"delta":{"content":"Hi"}}]}'), ev('{"choices":[],"usage":{"total_tokens":3}}'), ev("[DONE]")],
  },
];


/** Every way the tests cut one input: whole, at each index, byte by byte, random multi-splits. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [[bytes]];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.slice(0, i), bytes.slice(i)]);
  out.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  const rand = seededRandom(bytes.length);
  for (let r = 0; r < 30; r++) {
    const cuts = new Set<number>();
    const n = 1 + Math.floor(rand() * 6);
    for (let k = 0; k < n; k++) cuts.add(Math.floor(rand() * (bytes.length + 1)));
    const sorted = [0, ...[...cuts].sort((x, y) => x - y), bytes.length];
    const chunks: Uint8Array[] = [];
    for (let k = 1; k < sorted.length; k++) chunks.push(bytes.slice(sorted[k - 1], sorted[k]));
    out.push(chunks);
  }
  return out;
}

describe.each(IMPLS)("SSE conformance: %s copy", (_name, run) => {
  it.each(CASES)("$name, at every split", async (c) => {
    const bytes = enc.encode(c.input);
    for (const chunks of splits(bytes)) {
      const got = await run(chunks);
      const at = chunks.map((x) => x.length).join("+");
      expect(got.events, `chunks ${at}`).toEqual(c.events);
      expect(got.unterminated, `chunks ${at}`).toBe(c.unterminated ?? false);
    }
  });

  it("decodes a UTF-8 sequence split byte by byte across chunks", async () => {
    const bytes = enc.encode("data: 😀€\n\n");
    const got = await run(Array.from(bytes, (b) => Uint8Array.of(b)));
    expect(got.events).toEqual([ev("😀€")]);
  });

  it("a recorded upstream stream gives the same events however it is split", async () => {
    const text = readFileSync(new URL("../../../../shared/fixtures/upstream/anthropic/tool-use-stream.sse", import.meta.url), "utf8");
    const bytes = enc.encode(text);
    const whole = await run([bytes]);
    expect(whole.events.length).toBeGreaterThan(3);
    expect(whole.events.map((e) => e.event)).toContain("message_stop");
    const rand = seededRandom(7);
    for (let r = 0; r < 20; r++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(rand() * 40);
        chunks.push(bytes.slice(i, i + n));
        i += n;
      }
      expect(await run(chunks)).toEqual(whole);
    }
  });

  it("parses a 2 MB event in linear time (2 MB costs < 3× 1 MB)", async () => {
    // One long data line, and one event of many short data lines, in 256-byte pieces whose
    // CRLFs fall across chunk ends. A parser that re-scans or re-joins what it holds on each
    // piece is quadratic: 2 MB then costs about 4× 1 MB.
    const chunked = (b: Uint8Array) => Array.from({ length: Math.ceil(b.length / 256) }, (_, i) => b.subarray(i * 256, i * 256 + 256));
    const inputsOf = (mb: number): Uint8Array[][] => {
      const payload = "x".repeat(mb * 1024 * 1024);
      const long = enc.encode(`event: big\r\ndata: ${payload}\r\n\r\n`);
      const many = enc.encode(`data: ${payload.slice(0, payload.length / 2).replace(/x{63}/g, "$&\r\ndata: ")}\r\n\r\n`);
      return [chunked(long), chunked(many)];
    };
    // CPU time of this process, not wall time: on a busy machine the wall clock also counts
    // the time other processes ran, which says nothing about this parser.
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const timeOf = async (inputs: Uint8Array[][]): Promise<number> => {
      const t0 = cpuMs();
      for (let pass = 0; pass < 4; pass++) {
        for (const chunks of inputs) {
          const got = await run(chunks);
          if (got.events.length !== 1) throw new Error(`expected one event, got ${got.events.length}`);
        }
      }
      return cpuMs() - t0;
    };
    const one = inputsOf(1);
    const two = inputsOf(2);
    await timeOf(one); // warm-up
    // Alternate the sizes so both see the same conditions (GC, caches); keep each one's fastest round.
    let best1 = Infinity;
    let best2 = Infinity;
    for (let round = 0; round < 9; round++) {
      best1 = Math.min(best1, await timeOf(one));
      best2 = Math.min(best2, await timeOf(two));
    }
    expect(best2 / best1).toBeLessThan(3);
  }, 60_000);
});

describe("SSE parser: where the two copies differ, on purpose", () => {
  it("the gateway skips indentation before field names (sloppy upstreams); the client follows the spec", async () => {
    const input = [enc.encode("  data: a\n   \n\tdata: b\n\ndata: c\n\n")];
    expect(runRuntime(input).events).toEqual([ev("a"), ev("b"), ev("c")]);
    expect((await runClient(input)).events).toEqual([ev("c")]);
  });

  it("both copies are the one template, byte for byte (after the generated header)", () => {
    const template = readFileSync(new URL("../../../codegen/templates/sse-parser.ts", import.meta.url), "utf8");
    for (const copy of ["generated/client/sse.ts", "generated/shared/sse-parser.ts"]) {
      const text = readFileSync(new URL(`../../../${copy}`, import.meta.url), "utf8");
      expect(text.endsWith(template), `${copy} is stale: run npm run gen`).toBe(true);
    }
    expect(readFileSync(new URL("../../../runtime/translate/sse-parser.ts", import.meta.url), "utf8")).toContain("generated/shared/sse-parser");
  });
});

describe("iterateSse (client)", () => {
  it("leaving the loop early cancels the body, so the request is aborted, not left running", async () => {
    let cancelled: unknown = "not cancelled";
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        c.enqueue(enc.encode(`data: ${pulls}\n\n`));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const seen: string[] = [];
    for await (const m of iterateSse(body)) {
      seen.push(m.data);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["1", "2"]);
    expect(cancelled).not.toBe("not cancelled");
    expect(body.locked).toBe(false);
  });

  it("reads an async iterable of strings too, and throws on an event over the cap", async () => {
    async function* pieces() {
      yield "data: a\n";
      yield "\ndata: ";
      yield "y".repeat(50);
      yield "\n\n";
    }
    const seen: string[] = [];
    await expect(async () => {
      for await (const m of iterateSse(pieces(), { maxEventChars: 20 })) seen.push(m.data);
    }).rejects.toThrow(/larger than 20 characters/);
    expect(seen).toEqual(["a"]);
  });

  it("the client's SseParser class is the same parser (push/end, lastEventId, unterminated)", () => {
    const got: string[] = [];
    const p = new ClientSseParser((event, data, id) => got.push(`${event}|${data}|${id}`));
    p.push("id: 9\nevent: e\ndata: x\n\ndata: y");
    expect(p.unterminated).toBe(false);
    p.end();
    expect(got).toEqual(["e|x|9", "|y|9"]);
    expect(p.lastEventId).toBe("9");
    expect(p.unterminated).toBe(true);
  });
});
