// OpenAI chat.completion.chunk stream → IR events.
// Copes with what real providers send: Azure's empty-choices first chunk, usage-only
// chunks (choices: []), Groq's x_groq.usage, DeepSeek reasoning_content, OpenRouter
// reasoning/reasoning_details and in-stream `error`, Mistral's content arrays, tool-call
// ids only on the first fragment, whole tool calls in one delta, duplicate finish chunks.
import { BlockWriter } from "../block-writer";
import { errorTypeFromOpenAI } from "../errors";
import type { IrEmit, IrStop } from "../ir";
import { isRecord, str } from "../json";
import { stopFromOpenAI } from "../map-finish-reason";
import { DEFAULT_MAX_EVENT_CHARS } from "../sse-parser";
import { usageFromOpenAI } from "../usage";
import { addReasoningDetails, addContentParts } from "./reasoning";

/** Parallel tool calls one answer may make: far above any model's, bounding what is kept per call. */
const MAX_TOOL_CALLS = 1024;

export interface OpenAIStreamParseOptions {
  stopSequences?: readonly string[];
}

interface ToolCall {
  id: string;
  name: string;
  /** IR block index once opened, -1 before. */
  block: number;
  /** Argument fragments seen before both id and name were known. */
  pending: string;
}

export class OpenAIStreamParser {
  private readonly emit: IrEmit;
  private readonly blocks: BlockWriter;
  private readonly stopSequences: readonly string[];
  private readonly tailLength: number;
  private readonly tools = new Map<number, ToolCall>();
  private lastToolKey = -1;
  private nextSyntheticKey = 1_000_000;
  private started = false;
  private done = false;
  private stop: IrStop | undefined;
  private upstreamId = "";
  private tail = "";
  private refused = false;
  private matchedStop: string | undefined;

  constructor(emit: IrEmit, opts: OpenAIStreamParseOptions = {}) {
    this.emit = emit;
    this.blocks = new BlockWriter(emit);
    this.stopSequences = opts.stopSequences ?? [];
    this.tailLength = this.stopSequences.reduce((max, s) => Math.max(max, s.length), 0);
  }

  onEvent(event: string, data: string): void {
    if (this.done) return;
    if (data === "[DONE]") {
      this.finalize();
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.fail("api_error", "upstream stream chunk is not valid JSON (stream cut mid-event?)");
      return;
    }
    if (!isRecord(chunk)) {
      this.fail("api_error", "upstream stream chunk is not a JSON object");
      return;
    }
    if (event === "error") {
      this.failWith(chunk["error"] ?? chunk);
      return;
    }
    this.onChunk(chunk);
  }

  /** End of input: a stream that never finished becomes an error, never a success. */
  end(): void {
    if (this.done) return;
    if (this.stop !== undefined) {
      this.finalize();
      return;
    }
    this.fail(
      "api_error",
      this.started ? "upstream stream ended before a finish_reason (cut off)" : "upstream stream ended without any data",
    );
  }

  private onChunk(chunk: Record<string, unknown>): void {
    // Usage first: it is what the gateway bills, even when this chunk ends in a failure.
    const usage = chunk["usage"];
    const groq = chunk["x_groq"];
    if (isRecord(usage)) this.emit({ type: "usage", usage: usageFromOpenAI(usage) });
    else if (isRecord(groq) && isRecord(groq["usage"])) this.emit({ type: "usage", usage: usageFromOpenAI(groq["usage"]) });
    const choices = chunk["choices"];
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (!isRecord(choice)) continue;
        const index = choice["index"];
        if (index !== undefined && index !== 0) continue; // n = 1: only the first choice
        this.onChoice(chunk, choice);
        if (this.done) return;
      }
    }
    const error = chunk["error"];
    if (error !== undefined && error !== null) this.failWith(error);
  }

  private onChoice(chunk: Record<string, unknown>, choice: Record<string, unknown>): void {
    if (!this.started) {
      this.started = true;
      this.upstreamId = str(chunk["id"]) ?? "";
      const model = str(chunk["model"]);
      this.emit({ type: "message_start", id: this.upstreamId || undefined, model: model || undefined, usage: undefined });
    }
    const delta = choice["delta"];
    if (isRecord(delta) && this.stop === undefined) this.onDelta(delta);
    const matched = choice["stop_reason"]; // vLLM: the stop string that fired
    if (typeof matched === "string" && matched !== "") this.matchedStop = matched;
    const finish = choice["finish_reason"];
    if (typeof finish === "string" && finish !== "" && this.stop === undefined) this.onFinish(finish);
  }

  private onDelta(delta: Record<string, unknown>): void {
    const details = delta["reasoning_details"];
    if (Array.isArray(details) && details.length > 0) {
      addReasoningDetails(this.blocks, details);
    } else {
      const reasoning = delta["reasoning_content"] ?? delta["reasoning"];
      if (typeof reasoning === "string") this.blocks.thinking(reasoning);
    }
    const content = delta["content"];
    if (typeof content === "string") this.text(content);
    else if (Array.isArray(content)) addContentParts(this.blocks, content, (t) => this.text(t));
    const refusal = delta["refusal"];
    if (typeof refusal === "string" && refusal !== "") {
      this.refused = true;
      this.text(refusal);
    }
    const toolCalls = delta["tool_calls"];
    if (Array.isArray(toolCalls)) {
      for (let i = 0; i < toolCalls.length; i++) {
        const call = toolCalls[i];
        if (isRecord(call)) this.onToolCall(call, i);
        if (this.done) return;
      }
    } else if (isRecord(delta["function_call"])) {
      this.onToolCall({ index: 0, function: delta["function_call"] }, 0); // legacy functions API
    }
  }

  private text(text: string): void {
    if (text.length === 0) return;
    this.blocks.text(text);
    if (this.tailLength > 0) {
      const joined = this.tail + text;
      this.tail = joined.length > this.tailLength ? joined.slice(joined.length - this.tailLength) : joined;
    }
  }

  private onToolCall(call: Record<string, unknown>, position: number): void {
    const fn = isRecord(call["function"]) ? call["function"] : undefined;
    const id = str(call["id"]) ?? "";
    const name = str(fn?.["name"]) ?? "";
    const rawArgs = fn?.["arguments"];
    const args = typeof rawArgs === "string" ? rawArgs : isRecord(rawArgs) ? JSON.stringify(rawArgs) : "";
    const key = this.toolKey(call["index"], id, position);
    let tool = this.tools.get(key);
    if (tool !== undefined && id !== "" && tool.id !== "" && tool.id !== id) {
      // The provider reused the index for a new call: the old one is complete.
      if (!this.forceOpen(tool, key)) return;
      tool = undefined;
    }
    if (tool === undefined) {
      // Each call is kept until the stream ends: an upstream must not grow that without bound.
      if (this.tools.size >= MAX_TOOL_CALLS) return this.fail("api_error", `upstream sent more than ${MAX_TOOL_CALLS} tool calls`);
      tool = { id: "", name: "", block: -1, pending: "" };
      this.tools.set(key, tool);
    }
    this.lastToolKey = key;
    if (id !== "" && tool.id === "") tool.id = id;
    if (name !== "" && tool.name === "") tool.name = name;
    if (tool.block < 0) {
      if (tool.id === "" || tool.name === "") {
        tool.pending += args;
        if (tool.pending.length > DEFAULT_MAX_EVENT_CHARS) this.fail("api_error", `upstream sent over ${DEFAULT_MAX_EVENT_CHARS} characters of tool arguments before the call's id and name`);
        return;
      }
      this.openToolBlock(tool);
    } else if (this.blocks.kind !== "tool" || this.blocks.index !== tool.block) {
      if (args !== "") this.fail("api_error", `upstream sent arguments for tool call ${key} after its block ended`);
      return;
    }
    this.blocks.toolArgs(args);
  }

  /** Calls are keyed by their index; without one, a new id means a new call. */
  private toolKey(index: unknown, id: string, position: number): number {
    if (typeof index === "number") return index;
    const last = this.tools.get(this.lastToolKey);
    if (last === undefined) return position;
    if (id !== "" && last.id !== "" && last.id !== id) return this.nextSyntheticKey++;
    return this.lastToolKey;
  }

  private openToolBlock(tool: ToolCall): void {
    this.blocks.open({ type: "tool_use", id: tool.id, name: tool.name });
    tool.block = this.blocks.index;
    if (tool.pending !== "") {
      this.blocks.toolArgs(tool.pending);
      tool.pending = "";
    }
  }

  /** Opens a call still waiting for its id (one is derived from the response id). */
  private forceOpen(tool: ToolCall, key: number): boolean {
    if (tool.block >= 0) return true;
    if (tool.name === "") {
      this.fail("api_error", `upstream tool call ${key} never received a function name`);
      return false;
    }
    if (tool.id === "") tool.id = `toolu_${this.upstreamId || "gatehouse"}_${key}`;
    this.openToolBlock(tool);
    return true;
  }

  private onFinish(reason: string): void {
    for (const [key, tool] of this.tools) {
      if (!this.forceOpen(tool, key)) return;
    }
    this.blocks.close();
    const stop = stopFromOpenAI(reason, {
      stopSequences: this.stopSequences,
      textTail: this.tail,
      matchedStop: this.matchedStop,
      refused: this.refused,
    });
    if (stop === undefined) {
      this.fail("api_error", `upstream finished with finish_reason "${reason}"`);
      return;
    }
    this.stop = stop;
    this.emit({ type: "finish", stop });
  }

  private finalize(): void {
    if (this.stop === undefined) {
      this.fail("api_error", "upstream stream ended without a finish_reason");
      return;
    }
    this.done = true;
    this.emit({ type: "message_end" });
  }

  private failWith(error: unknown): void {
    if (typeof error === "string") {
      this.fail("api_error", error);
      return;
    }
    const e = isRecord(error) ? error : {};
    const message = str(e["message"]) ?? "upstream reported an error mid-stream";
    this.fail(errorTypeFromOpenAI(e["type"], e["code"], undefined), message);
  }

  private fail(type: string, message: string): void {
    if (this.done) return;
    this.done = true;
    this.emit({ type: "error", error: { type, message } });
  }
}
