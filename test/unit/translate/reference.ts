// What an upstream recording says, read straight from its JSON (independently of the
// translator), to compare translations against.
import { frames } from "./helpers";
import type { Tool } from "./helpers";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const s = (v: unknown): string => (typeof v === "string" ? v : "");
const n = (v: unknown): number => (typeof v === "number" ? v : 0);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface Reference {
  text: string;
  thinking: string;
  tools: Tool[];
  /** Upstream finish/stop reason, in the upstream's own vocabulary. */
  finish: string | undefined;
  usage: Obj | undefined;
  error: Obj | undefined;
  signatures: string[];
}

export function openAIReference(text: string): Reference {
  const ref: Reference = { text: "", thinking: "", tools: [], finish: undefined, usage: undefined, error: undefined, signatures: [] };
  const tools = new Map<number, Tool>();
  for (const f of frames(text)) {
    if (f.data === "[DONE]") continue;
    const chunk = obj(JSON.parse(f.data));
    for (const c of arr(chunk["choices"])) {
      const choice = obj(c);
      const delta = obj(choice["delta"]);
      if (ref.finish === undefined) {
        const rc = delta["reasoning_content"] ?? delta["reasoning"];
        ref.thinking += s(rc);
        const content = delta["content"];
        if (typeof content === "string") ref.text += content;
        for (const part of arr(content)) {
          const p = obj(part);
          if (p["type"] === "text") ref.text += s(p["text"]);
          for (const t of arr(p["thinking"])) ref.thinking += s(obj(t)["text"]);
        }
        for (const tc of arr(delta["tool_calls"])) {
          const call = obj(tc);
          const fn = obj(call["function"]);
          const idx = n(call["index"]);
          let tool = tools.get(idx);
          if (tool === undefined) {
            tool = { id: "", name: "", args: "" };
            tools.set(idx, tool);
            ref.tools.push(tool);
          }
          if (tool.id === "") tool.id = s(call["id"]);
          if (tool.name === "") tool.name = s(fn["name"]);
          tool.args += s(fn["arguments"]);
        }
      }
      if (typeof choice["finish_reason"] === "string" && ref.finish === undefined) ref.finish = choice["finish_reason"];
    }
    if (chunk["usage"] !== null && typeof chunk["usage"] === "object") ref.usage = obj(chunk["usage"]);
    else if (typeof obj(chunk["x_groq"])["usage"] === "object") ref.usage = obj(obj(chunk["x_groq"])["usage"]);
    if (chunk["error"] !== undefined) ref.error = obj(chunk["error"]);
  }
  return ref;
}

export function anthropicReference(text: string): Reference {
  const ref: Reference = { text: "", thinking: "", tools: [], finish: undefined, usage: undefined, error: undefined, signatures: [] };
  const tools = new Map<number, Tool>();
  for (const f of frames(text)) {
    const e = obj(JSON.parse(f.data));
    switch (e["type"]) {
      case "message_start":
        ref.usage = { ...obj(obj(e["message"])["usage"]) };
        break;
      case "content_block_start": {
        const b = obj(e["content_block"]);
        if (b["type"] === "tool_use") {
          const tool = { id: s(b["id"]), name: s(b["name"]), args: "" };
          tools.set(n(e["index"]), tool);
          ref.tools.push(tool);
        }
        break;
      }
      case "content_block_delta": {
        const d = obj(e["delta"]);
        ref.text += s(d["text"]);
        ref.thinking += s(d["thinking"]);
        if (d["type"] === "signature_delta") ref.signatures.push(s(d["signature"]));
        const tool = tools.get(n(e["index"]));
        if (tool !== undefined) tool.args += s(d["partial_json"]);
        break;
      }
      case "message_delta":
        ref.finish = s(obj(e["delta"])["stop_reason"]);
        ref.usage = { ...ref.usage, ...obj(e["usage"]) };
        break;
      case "error":
        ref.error = obj(e["error"]);
        break;
      default:
        break;
    }
  }
  return ref;
}

/** Anthropic usage expected for an OpenAI usage object, computed from the documented rules. */
export function expectedAnthropicUsage(u: Obj): Obj {
  const prompt = n(u["prompt_tokens"]);
  const completion = n(u["completion_tokens"]);
  const pd = obj(u["prompt_tokens_details"]);
  const cached = Math.max(n(pd["cached_tokens"]), n(u["prompt_cache_hit_tokens"]));
  const write = n(pd["cache_write_tokens"]);
  const details = obj(u["completion_tokens_details"]);
  const reasoning = n(details["reasoning_tokens"]);
  // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning).
  const separate = reasoning > 0 && n(u["total_tokens"]) === prompt + completion + reasoning;
  const usage: Obj = {
    input_tokens: prompt - cached - write,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: cached,
    output_tokens: completion + (separate ? reasoning : 0),
  };
  if (typeof details["reasoning_tokens"] === "number") usage["output_tokens_details"] = { thinking_tokens: reasoning };
  return usage;
}

/** OpenAI usage expected for an Anthropic usage object. */
export function expectedOpenAIUsage(u: Obj): Obj {
  const prompt = n(u["input_tokens"]) + n(u["cache_read_input_tokens"]) + n(u["cache_creation_input_tokens"]);
  const usage: Obj = {
    prompt_tokens: prompt,
    completion_tokens: n(u["output_tokens"]),
    total_tokens: prompt + n(u["output_tokens"]),
    prompt_tokens_details: { cached_tokens: n(u["cache_read_input_tokens"]) },
  };
  const thinking = obj(u["output_tokens_details"])["thinking_tokens"];
  if (typeof thinking === "number") usage["completion_tokens_details"] = { reasoning_tokens: thinking };
  return usage;
}

export const OPENAI_TO_ANTHROPIC_STOP: Readonly<Record<string, string>> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

export const ANTHROPIC_TO_OPENAI_FINISH: Readonly<Record<string, string>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};
