// spliceJson: the caller's bytes with only the changed values replaced — everything else
// (whitespace, key order, escapes, number spellings, unknown fields) exactly as sent.
import { describe, expect, it } from "vitest";
import { spliceJson } from "../../../runtime/gateway/json-splice";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Parses `text`, lets `edit` build the desired body the way the gateway does (spreads), splices. */
function splice(text: string, edit: (body: Record<string, unknown>) => Record<string, unknown>): string {
  const raw = enc.encode(text);
  const original = JSON.parse(text) as Record<string, unknown>;
  return dec.decode(spliceJson(raw, original, edit(original)));
}

describe("spliceJson", () => {
  it("returns the very bytes when nothing differs", () => {
    const raw = enc.encode('{ "model" : "a",\n  "x": 1.0e0 }');
    const original = JSON.parse(dec.decode(raw)) as Record<string, unknown>;
    expect(spliceJson(raw, original, { ...original })).toBe(raw);
  });

  it("replaces one top-level string, keeping spacing, order and escapes around it", () => {
    const text = '{\n  "z": "\\u00e9\\"}{[",\n  "model" :  "claude-sonnet-4-5" ,\n  "a": [1, 2.50, {"b": null}]\n}';
    const out = splice(text, (b) => ({ ...b, model: "claude-sonnet-4-5-20250929" }));
    expect(out).toBe(text.replace('"claude-sonnet-4-5"', '"claude-sonnet-4-5-20250929"'));
  });

  it("replaces a number and inserts a missing member first in its object", () => {
    const text = '{"max_tokens": 64000, "stream": true, "stream_options": {"x": 1}}';
    const out = splice(text, (b) => ({ ...b, max_tokens: 2000, stream_options: { ...(b.stream_options as object), include_usage: true } }));
    expect(out).toBe('{"max_tokens": 2000, "stream": true, "stream_options": {"include_usage":true,"x": 1}}');
  });

  it("inserts into an empty object and adds a top-level member", () => {
    expect(splice('{"stream_options":{}}', (b) => ({ ...b, stream_options: { include_usage: true } }))).toBe('{"stream_options":{"include_usage":true}}');
    expect(splice("{ }", (b) => ({ ...b, max_tokens: 5 }))).toBe('{"max_tokens":5 }');
    expect(splice('{"a":1}', (b) => ({ ...b, max_tokens: 5 }))).toBe('{"max_tokens":5,"a":1}');
  });

  it("descends into arrays element by element (max_uses on one tool)", () => {
    const text = '{"tools": [ {"name":"calc", "input_schema": {}}, {"type": "web_search_20250305", "name": "web_search"} ]}';
    const out = splice(text, (b) => ({ ...b, tools: (b.tools as Record<string, unknown>[]).map((t, i) => (i === 1 ? { ...t, max_uses: 5 } : t)) }));
    expect(out).toBe('{"tools": [ {"name":"calc", "input_schema": {}}, {"max_uses":5,"type": "web_search_20250305", "name": "web_search"} ]}');
  });

  it("replaces a value whose type changed as a whole (null stream_options)", () => {
    expect(splice('{"stream_options": null, "b": 2}', (b) => ({ ...b, stream_options: { include_usage: true } }))).toBe('{"stream_options": {"include_usage":true}, "b": 2}');
  });

  it("replaces every occurrence of a duplicate key (a host may read the first)", () => {
    expect(splice('{"max_tokens": 1, "max_tokens": 99999}', (b) => ({ ...b, max_tokens: 500 }))).toBe('{"max_tokens": 500, "max_tokens": 500}');
  });

  it("keeps multi-byte UTF-8 bytes and strings ending in backslashes intact", () => {
    const text = '{"s": "日本\\\\", "t": "🙂\\"", "model": "m"}';
    expect(splice(text, (b) => ({ ...b, model: "n" }))).toBe('{"s": "日本\\\\", "t": "🙂\\"", "model": "n"}');
  });
});
