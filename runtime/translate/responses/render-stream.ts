// IR stream events → the Responses API's typed `response.*` server-sent events, in the order
// OpenAI sends them: created, in_progress, per output item (added, its parts and deltas, done),
// then completed / incomplete with usage — or failed on an error. Each IR block is one output
// item (text → message, tool_use → function_call, thinking → reasoning), so IR block index =
// output_index. Thinking's signature travels as the reasoning item's `encrypted_content`.
import type { IrAssistantBlock, IrBlockHead, IrError, IrStop, IrStreamEvent, TokenUsage } from "../ir";
import { itemId, outputItem, statusOf, type OutputItem } from "./items";
import { kindOf, responseObject, type ResponsesRenderOptions } from "./render-response";

interface OpenBlock {
  block: IrAssistantBlock;
  id: string;
  /** Whether the reasoning summary part was announced (only once thinking text arrives). */
  partOpen: boolean;
}

export class ResponsesStreamRenderer {
  private seq = 0;
  private started = false;
  private ended = false;
  private readonly output: OutputItem[] = [];
  private open: OpenBlock | undefined;
  private usage: TokenUsage | undefined;
  private stop: IrStop | undefined;

  constructor(private readonly opts: ResponsesRenderOptions) {}

  /** The SSE text for one IR event (may be empty). */
  render(e: IrStreamEvent): string {
    if (this.ended) return "";
    switch (e.type) {
      case "message_start":
        return this.start();
      case "block_start":
        return this.start() + this.blockStart(e.index, e.block);
      case "text_delta":
        return this.textDelta(e.index, e.text);
      case "thinking_delta":
        return this.thinkingDelta(e.index, e.thinking);
      case "signature_delta":
        if (this.open?.block.type === "thinking") this.open.block.signature = (this.open.block.signature ?? "") + e.signature;
        return "";
      case "tool_input_delta":
        return this.argumentsDelta(e.index, e.partialJson);
      case "block_stop":
        return this.blockStop(e.index);
      case "usage":
        this.usage = e.usage;
        return "";
      case "finish":
        this.stop = e.stop;
        return "";
      case "message_end":
        return this.start() + this.end();
      case "error":
        return this.start() + this.fail(e.error);
      default: {
        const never: never = e;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  private event(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...fields })}\n\n`;
  }

  /** A delta event, written by hand (fixed key order): most of a stream is these, and an object spread plus stringify per token costs twice the rest. */
  private delta(type: string, itemId: string, index: number, extra: string, delta: string): string {
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.seq++},"item_id":${JSON.stringify(itemId)},"output_index":${index},${extra}"delta":${JSON.stringify(delta)}}\n\n`;
  }

  private start(): string {
    if (this.started) return "";
    this.started = true;
    const response = responseObject(this.opts, { status: "in_progress", output: [], usage: undefined });
    return this.event("response.created", { response }) + this.event("response.in_progress", { response });
  }

  private blockStart(index: number, head: IrBlockHead): string {
    const block: IrAssistantBlock =
      head.type === "text" ? { type: "text", text: "" }
      : head.type === "thinking" ? { type: "thinking", thinking: "", signature: undefined }
      : head.type === "redacted_thinking" ? { type: "redacted_thinking", data: head.data }
      : { type: "tool_use", id: head.id, name: head.name, input: {} };
    const id = itemId(this.opts.id, kindOf(block.type), index);
    this.open = { block, id, partOpen: false };
    const item = this.inProgress(this.open, "");
    let out = this.event("response.output_item.added", { output_index: index, item });
    if (block.type === "text") out += this.event("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
    return out;
  }

  /** The item as announced: empty content, in progress. */
  private inProgress(open: OpenBlock, args: string): OutputItem {
    const b = open.block;
    if (b.type === "text") return { id: open.id, type: "message", status: "in_progress", role: "assistant", content: [] };
    if (b.type === "tool_use") return { id: open.id, type: "function_call", status: "in_progress", call_id: b.id, name: b.name, arguments: args };
    return { id: open.id, type: "reasoning", summary: [] };
  }

  private textDelta(index: number, text: string): string {
    if (this.open?.block.type !== "text") return "";
    this.open.block.text += text;
    return this.delta("response.output_text.delta", this.open.id, index, `"content_index":0,"logprobs":[],`, text);
  }

  private thinkingDelta(index: number, text: string): string {
    const open = this.open;
    if (open?.block.type !== "thinking") return "";
    open.block.thinking += text;
    let out = "";
    if (!open.partOpen) {
      open.partOpen = true;
      out += this.event("response.reasoning_summary_part.added", { item_id: open.id, output_index: index, summary_index: 0, part: { type: "summary_text", text: "" } });
    }
    return out + this.delta("response.reasoning_summary_text.delta", open.id, index, `"summary_index":0,`, text);
  }

  /** Argument text as it arrives; the finished item carries the same text, parsed and re-serialized when whole. */
  private args = "";

  private argumentsDelta(index: number, partial: string): string {
    if (this.open?.block.type !== "tool_use") return "";
    this.args += partial;
    return this.delta("response.function_call_arguments.delta", this.open.id, index, "", partial);
  }

  private blockStop(index: number): string {
    const open = this.open;
    if (open === undefined) return "";
    this.open = undefined;
    const b = open.block;
    let out = "";
    let item: OutputItem;
    if (b.type === "text") {
      const part = { type: "output_text", text: b.text, annotations: [] };
      out += this.event("response.output_text.done", { item_id: open.id, output_index: index, content_index: 0, text: b.text, logprobs: [] });
      out += this.event("response.content_part.done", { item_id: open.id, output_index: index, content_index: 0, part });
      item = outputItem(b, open.id);
    } else if (b.type === "tool_use") {
      const args = this.args === "" ? "{}" : this.args;
      this.args = "";
      out += this.event("response.function_call_arguments.done", { item_id: open.id, output_index: index, arguments: args });
      item = { ...(outputItem(b, open.id) as OutputItem & { type: "function_call" }), arguments: args };
    } else {
      if (b.type === "thinking" && open.partOpen) {
        out += this.event("response.reasoning_summary_text.done", { item_id: open.id, output_index: index, summary_index: 0, text: b.thinking });
        out += this.event("response.reasoning_summary_part.done", { item_id: open.id, output_index: index, summary_index: 0, part: { type: "summary_text", text: b.thinking } });
      }
      item = outputItem(b, open.id);
    }
    this.output.push(item);
    return out + this.event("response.output_item.done", { output_index: index, item });
  }

  private end(): string {
    this.ended = true;
    const { status } = statusOf(this.stop);
    const response = responseObject(this.opts, { status, output: this.output, usage: this.usage, stop: this.stop });
    return this.event(status === "completed" ? "response.completed" : "response.incomplete", { response });
  }

  private fail(error: IrError): string {
    this.ended = true;
    const response = responseObject(this.opts, { status: "failed", output: this.output, usage: this.usage, error });
    return this.event("response.failed", { response });
  }

  /** The finished output items (for `previous_response_id`), once the stream ended cleanly. */
  get items(): readonly OutputItem[] {
    return this.output;
  }
}
