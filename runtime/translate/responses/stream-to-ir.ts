// Responses API stream (typed `response.*` events) → IR events: what an upstream that speaks
// the Responses API sends, read for its usage (pass-through's tap) or rendered in another shape.
// Each output item is one IR block: `message` text, `function_call` a tool_use (its `call_id`
// is the IR id), `reasoning` summary text a thinking block whose signature is the item's
// `encrypted_content` (so it goes back to the same upstream unchanged). Items Gatehouse does not
// translate (OpenAI-run tools: web search, code interpreter, …) carry no IR content.
import { BlockWriter } from "../block-writer";
import { errorTypeFromOpenAI } from "../errors";
import type { IrEmit, IrStop } from "../ir";
import { isRecord, str } from "../json";
import { usageFromResponses } from "./usage";

export class ResponsesStreamParser {
  private readonly blocks: BlockWriter;
  private started = false;
  private done = false;
  private sawToolCall = false;
  private argsSent = false;

  constructor(private readonly emit: IrEmit) {
    this.blocks = new BlockWriter(emit);
  }

  onEvent(event: string, data: string): void {
    if (this.done) return;
    let e: unknown;
    try {
      e = JSON.parse(data);
    } catch {
      this.fail("api_error", "upstream stream event is not valid JSON (stream cut mid-event?)");
      return;
    }
    if (!isRecord(e)) return this.fail("api_error", "upstream stream event is not a JSON object");
    const type = str(e["type"]) ?? event;
    switch (type) {
      case "response.created":
      case "response.in_progress":
        return this.start(e["response"]);
      case "response.output_item.added":
        return this.itemAdded(e["item"]);
      case "response.output_text.delta":
      case "response.refusal.delta":
        this.start(undefined);
        return this.blocks.text(str(e["delta"]) ?? "");
      case "response.reasoning_summary_part.added":
        // Summary parts are paragraphs of one thinking block.
        if (typeof e["summary_index"] === "number" && e["summary_index"] > 0) this.blocks.thinking("\n\n");
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.start(undefined);
        return this.blocks.thinking(str(e["delta"]) ?? "");
      case "response.function_call_arguments.delta": {
        const delta = str(e["delta"]) ?? "";
        if (this.blocks.toolArgs(delta) && delta !== "") this.argsSent = true;
        return;
      }
      case "response.output_item.done":
        return this.itemDone(e["item"]);
      case "response.completed":
      case "response.incomplete":
        return this.finish(e["response"]);
      case "response.failed":
        return this.failWith(isRecord(e["response"]) ? e["response"] : {}, true);
      case "error":
        return this.failWith(e, false);
      default:
        return; // deltas of items Gatehouse does not translate, `done` echoes, keep-alives
    }
  }

  /** End of input: a stream that never completed is an error, never a success. */
  end(): void {
    if (this.done) return;
    this.fail("api_error", this.started ? "upstream stream ended before response.completed (cut off)" : "upstream stream ended without any data");
  }

  private start(response: unknown): void {
    if (this.started) return;
    this.started = true;
    const r = isRecord(response) ? response : {};
    this.emit({ type: "message_start", id: str(r["id"]) || undefined, model: str(r["model"]) || undefined, usage: undefined });
  }

  private itemAdded(value: unknown): void {
    this.start(undefined);
    if (!isRecord(value) || value["type"] !== "function_call") return;
    this.sawToolCall = true;
    this.argsSent = false;
    this.blocks.open({ type: "tool_use", id: str(value["call_id"]) ?? str(value["id"]) ?? "", name: str(value["name"]) ?? "" });
  }

  private itemDone(value: unknown): void {
    if (!isRecord(value)) return;
    if (value["type"] === "function_call" && !this.argsSent) this.blocks.toolArgs(str(value["arguments"]) ?? "");
    if (value["type"] === "reasoning") {
      const encrypted = str(value["encrypted_content"]);
      if (encrypted !== undefined && encrypted !== "") this.blocks.signature(encrypted);
    }
    // Each item is its own block: two messages in a row stay two.
    this.blocks.close();
  }

  private finish(response: unknown): void {
    this.start(response);
    const r = isRecord(response) ? response : {};
    if (isRecord(r["usage"])) this.emit({ type: "usage", usage: usageFromResponses(r["usage"]) });
    this.blocks.close();
    this.done = true;
    this.emit({ type: "finish", stop: stopOf(r, this.sawToolCall) });
    this.emit({ type: "message_end" });
  }

  private failWith(source: Record<string, unknown>, isResponse: boolean): void {
    // A failed response may still report what it consumed: bill it.
    if (isResponse && isRecord(source["usage"])) this.emit({ type: "usage", usage: usageFromResponses(source["usage"]) });
    const error = isResponse ? source["error"] : isRecord(source["error"]) ? source["error"] : source;
    const e = isRecord(error) ? error : {};
    this.fail(errorTypeFromOpenAI(e["type"], e["code"], undefined), str(e["message"]) ?? "upstream reported an error mid-stream");
  }

  private fail(type: string, message: string): void {
    if (this.done) return;
    this.done = true;
    this.emit({ type: "error", error: { type, message } });
  }
}

/** Why a finished response stopped: cut at the limit, filtered, calling tools, or done. */
export function stopOf(response: Readonly<Record<string, unknown>>, calledTools: boolean): IrStop {
  const details = isRecord(response["incomplete_details"]) ? response["incomplete_details"] : undefined;
  const reason = response["status"] === "incomplete" ? str(details?.["reason"]) : undefined;
  if (reason === "max_output_tokens") return { reason: "max_tokens", sequence: null };
  if (reason === "content_filter") return { reason: "refusal", sequence: null };
  return { reason: calledTools ? "tool_use" : "end_turn", sequence: null };
}
