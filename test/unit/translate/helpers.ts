// Test helpers: an independent, deliberately simple SSE splitter (the corpus and our
// output use LF line ends), invariant checkers for both output shapes, and reference
// extraction from upstream recordings. Nothing here imports the translator's parsers.
import { expect } from "vitest";
import { seededRandom } from "../../support/random";

export interface Frame {
  event: string;
  data: string;
}

export function frames(text: string): Frame[] {
  const out: Frame[] = [];
  let event = "";
  let data: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      if (data.length > 0) out.push({ event, data: data.join("\n") });
      event = "";
      data = [];
    } else if (line.startsWith(":")) {
      continue;
    } else if (line.startsWith("event:")) {
      event = line.slice(6).trim();
    } else if (line.startsWith("data:")) {
      data.push(line.slice(5).replace(/^ /, ""));
    }
  }
  if (data.length > 0) out.push({ event, data: data.join("\n") });
  return out;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const s = (v: unknown): string => (typeof v === "string" ? v : "");
const n = (v: unknown): number => (typeof v === "number" ? v : 0);

export interface Tool {
  id: string;
  name: string;
  args: string;
}

export interface Summary {
  text: string;
  thinking: string;
  tools: Tool[];
  stop: string | undefined;
  stopSequence: string | null | undefined;
  usage: Obj | undefined;
  error: Obj | undefined;
  signatures: string[];
  redacted: number;
}

/** Checks Anthropic SSE output invariants; returns what it carried. */
export function checkAnthropicOutput(text: string): Summary {
  const events = frames(text).map((f) => {
    const data = obj(JSON.parse(f.data));
    expect(f.event, "event name equals data.type").toBe(data["type"]);
    return data;
  });
  const sum: Summary = { text: "", thinking: "", tools: [], stop: undefined, stopSequence: undefined, usage: undefined, error: undefined, signatures: [], redacted: 0 };
  let starts = 0;
  let open = -1;
  let kind = "";
  let nextIndex = 0;
  let content = 0;
  let sawDelta = false;
  events.forEach((e, i) => {
    const last = i === events.length - 1;
    switch (e["type"]) {
      case "message_start":
        starts++;
        expect(i, "message_start comes first").toBe(0);
        break;
      case "content_block_start": {
        expect(starts, "a block needs a message_start").toBe(1);
        expect(open, "previous block closed first").toBe(-1);
        expect(e["index"], "indexes sequential from 0").toBe(nextIndex);
        open = nextIndex++;
        const block = obj(e["content_block"]);
        kind = s(block["type"]);
        content = 0;
        if (kind === "tool_use") {
          expect(s(block["id"]), "tool_use has an id").not.toBe("");
          expect(s(block["name"]), "tool_use has a name").not.toBe("");
          expect(block["input"]).toEqual({});
          sum.tools.push({ id: s(block["id"]), name: s(block["name"]), args: "" });
        }
        if (kind === "redacted_thinking") sum.redacted++;
        break;
      }
      case "content_block_delta": {
        expect(e["index"], "delta goes to the open block").toBe(open);
        const d = obj(e["delta"]);
        const expectedKind: Obj = { text_delta: "text", thinking_delta: "thinking", signature_delta: "thinking", input_json_delta: "tool_use" };
        expect(expectedKind[s(d["type"])], `delta ${String(d["type"])} fits a ${kind} block`).toBe(kind);
        if (d["type"] === "text_delta") sum.text += s(d["text"]);
        if (d["type"] === "thinking_delta") sum.thinking += s(d["thinking"]);
        if (d["type"] === "signature_delta") sum.signatures.push(s(d["signature"]));
        if (d["type"] === "input_json_delta") {
          const tool = sum.tools[sum.tools.length - 1];
          if (tool) tool.args += s(d["partial_json"]);
        }
        const piece = s(d["text"]) + s(d["thinking"]) + s(d["signature"]) + s(d["partial_json"]);
        if (piece !== "") content++;
        sawDelta = true;
        break;
      }
      case "content_block_stop":
        expect(e["index"], "stop closes the open block").toBe(open);
        if (kind !== "redacted_thinking") expect(content, "no empty content blocks").toBeGreaterThan(0);
        open = -1;
        break;
      case "message_delta": {
        expect(open, "blocks closed before message_delta").toBe(-1);
        const d = obj(e["delta"]);
        sum.stop = s(d["stop_reason"]);
        sum.stopSequence = d["stop_sequence"] as string | null;
        sum.usage = obj(e["usage"]);
        expect(events[i + 1]?.["type"], "message_stop follows message_delta").toBe("message_stop");
        break;
      }
      case "message_stop":
        expect(last, "message_stop is last").toBe(true);
        break;
      case "error":
        expect(last, "error is last").toBe(true);
        sum.error = obj(e["error"]);
        break;
      default:
        throw new Error(`unexpected event ${String(e["type"])}`);
    }
  });
  expect(starts, "at most one message_start").toBeLessThanOrEqual(1);
  const terminal = events[events.length - 1]?.["type"];
  expect(["message_stop", "error"], "ends with message_stop or error").toContain(terminal);
  if (sawDelta) expect(starts).toBe(1);
  for (const t of sum.tools) expect(() => JSON.parse(t.args), `tool ${t.name} input is valid JSON`).not.toThrow();
  return sum;
}

/** Checks OpenAI chunk-stream output invariants; returns what it carried. */
export function checkOpenAIOutput(text: string): Summary & { id: string; finishCount: number; done: boolean } {
  const fs = frames(text);
  const sum = { text: "", thinking: "", tools: [] as Tool[], stop: undefined as string | undefined, stopSequence: undefined, usage: undefined as Obj | undefined, error: undefined as Obj | undefined, signatures: [], redacted: 0, id: "", finishCount: 0, done: false };
  let head: string | undefined;
  const byIndex = new Map<number, Tool>();
  fs.forEach((f, i) => {
    const last = i === fs.length - 1;
    expect(f.event, "OpenAI frames carry no event name").toBe("");
    if (f.data === "[DONE]") {
      expect(last, "[DONE] is last").toBe(true);
      sum.done = true;
      return;
    }
    const chunk = obj(JSON.parse(f.data));
    if (chunk["error"] !== undefined) {
      expect(last, "error chunk is last").toBe(true);
      sum.error = obj(chunk["error"]);
      return;
    }
    expect(chunk["object"]).toBe("chat.completion.chunk");
    const key = JSON.stringify([chunk["id"], chunk["model"], chunk["created"]]);
    if (head === undefined) head = key;
    expect(key, "all chunks share id/model/created").toBe(head);
    sum.id = s(chunk["id"]);
    const choices = Array.isArray(chunk["choices"]) ? chunk["choices"] : [];
    if (choices.length === 0) {
      expect(chunk["usage"], "a choices:[] chunk carries usage").toBeDefined();
      expect(sum.finishCount, "usage chunk comes after the finish chunk").toBe(1);
      sum.usage = obj(chunk["usage"]);
      return;
    }
    expect(sum.finishCount, "nothing but usage after the finish chunk").toBe(0);
    const choice = obj(choices[0]);
    const delta = obj(choice["delta"]);
    if (i === 0) expect(delta["role"], "first chunk carries the role").toBe("assistant");
    sum.text += s(delta["content"]);
    sum.thinking += s(delta["reasoning_content"]);
    for (const tc of Array.isArray(delta["tool_calls"]) ? delta["tool_calls"] : []) {
      const call = obj(tc);
      const fn = obj(call["function"]);
      const idx = n(call["index"]);
      let tool = byIndex.get(idx);
      if (tool === undefined) {
        expect(idx, "tool indexes sequential from 0").toBe(byIndex.size);
        expect(s(call["id"]), "first tool chunk has an id").not.toBe("");
        expect(s(fn["name"]), "first tool chunk has a name").not.toBe("");
        expect(call["type"]).toBe("function");
        tool = { id: s(call["id"]), name: s(fn["name"]), args: "" };
        byIndex.set(idx, tool);
        sum.tools.push(tool);
      }
      tool.args += s(fn["arguments"]);
    }
    if (choice["finish_reason"] !== null && choice["finish_reason"] !== undefined) {
      sum.finishCount++;
      sum.stop = s(choice["finish_reason"]);
    }
  });
  if (sum.error === undefined) {
    expect(sum.finishCount, "exactly one finish_reason").toBe(1);
    expect(sum.done, "ends with [DONE]").toBe(true);
  } else {
    expect(sum.finishCount, "at most one finish_reason").toBeLessThanOrEqual(1);
  }
  for (const t of sum.tools) expect(() => JSON.parse(t.args), `tool ${t.name} arguments are valid JSON`).not.toThrow();
  return sum;
}

/** Deterministic PRNG so failing splits can be reproduced. */
export const rng = seededRandom;

/** Splits bytes at random boundaries (1..maxLen bytes per piece), mid-UTF-8 included. */
export function randomSplits(bytes: Uint8Array, seed: number, maxLen = 40): Uint8Array[] {
  const next = rng(seed);
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const len = 1 + Math.floor(next() * maxLen);
    out.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}
