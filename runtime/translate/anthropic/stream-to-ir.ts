// Anthropic Messages stream → IR events.
// Ignores `ping` and unknown event types (Anthropic may add some), tolerates padding,
// skips block kinds the IR has no place for (server tool blocks), and is lenient about
// a missing content_block_start (a delta implicitly opens its block).
import { BlockWriter } from "../block-writer";
import type { IrEmit, IrStop, TokenUsage } from "../ir";
import { isRecord, num, str } from "../json";
import { stopReasonFromAnthropic } from "../map-finish-reason";
import { usageFromAnthropic } from "../usage";

export class AnthropicStreamParser {
  private readonly emit: IrEmit;
  private readonly blocks: BlockWriter;
  private started = false;
  private done = false;
  private usage: TokenUsage | undefined;
  private stop: IrStop | undefined;
  /** Upstream index of the open (or skipped) block. */
  private upstreamIndex = -1;
  private skipping = false;

  constructor(emit: IrEmit) {
    this.emit = emit;
    this.blocks = new BlockWriter(emit);
  }

  onEvent(event: string, data: string): void {
    if (this.done) return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      this.fail("api_error", "upstream stream event is not valid JSON (stream cut mid-event?)");
      return;
    }
    if (!isRecord(msg)) {
      this.fail("api_error", "upstream stream event is not a JSON object");
      return;
    }
    switch (str(msg["type"]) ?? event) {
      case "message_start":
        this.onMessageStart(msg["message"]);
        break;
      case "content_block_start":
        this.onBlockStart(num(msg["index"]) ?? -1, msg["content_block"]);
        break;
      case "content_block_delta":
        this.onBlockDelta(num(msg["index"]) ?? -1, msg["delta"]);
        break;
      case "content_block_stop":
        if (num(msg["index"]) === this.upstreamIndex) this.closeBlock();
        break;
      case "message_delta":
        this.onMessageDelta(msg);
        break;
      case "message_stop":
        this.closeBlock();
        if (this.stop === undefined) {
          this.fail("api_error", "upstream message_stop came without a stop_reason");
        } else {
          this.done = true;
          this.emit({ type: "message_end" });
        }
        break;
      case "error": {
        const error = isRecord(msg["error"]) ? msg["error"] : {};
        this.fail(str(error["type"]) ?? "api_error", str(error["message"]) ?? "upstream reported an error mid-stream");
        break;
      }
      default:
        break; // ping, and event types added after this was written
    }
  }

  /** End of input without message_stop: complete only if the stop reason had arrived. */
  end(): void {
    if (this.done) return;
    if (this.stop !== undefined) {
      this.closeBlock();
      this.done = true;
      this.emit({ type: "message_end" });
      return;
    }
    this.fail(
      "api_error",
      this.started ? "upstream stream ended before message_stop (cut off)" : "upstream stream ended without any data",
    );
  }

  private onMessageStart(message: unknown): void {
    if (this.started) return;
    this.started = true;
    const m = isRecord(message) ? message : {};
    if (isRecord(m["usage"])) this.usage = usageFromAnthropic(m["usage"]);
    this.emit({ type: "message_start", id: str(m["id"]), model: str(m["model"]), usage: this.usage });
  }

  private onBlockStart(index: number, block: unknown): void {
    this.closeBlock();
    this.started = true;
    this.upstreamIndex = index;
    const b = isRecord(block) ? block : {};
    switch (b["type"]) {
      case "text":
        this.blocks.open({ type: "text" });
        this.blocks.text(str(b["text"]) ?? "");
        break;
      case "thinking":
        this.blocks.open({ type: "thinking" });
        this.blocks.thinking(str(b["thinking"]) ?? "");
        this.blocks.signature(str(b["signature"]) ?? "");
        break;
      case "redacted_thinking":
        this.blocks.open({ type: "redacted_thinking", data: str(b["data"]) ?? "" });
        break;
      case "tool_use": {
        this.blocks.open({ type: "tool_use", id: str(b["id"]) ?? "", name: str(b["name"]) ?? "" });
        const input = b["input"];
        if (isRecord(input) && Object.keys(input).length > 0) this.blocks.toolArgs(JSON.stringify(input));
        break;
      }
      default:
        // server_tool_use, web_search_tool_result, ...: no counterpart in the IR.
        this.skipping = true;
        break;
    }
  }

  private onBlockDelta(index: number, delta: unknown): void {
    if (this.skipping && index === this.upstreamIndex) return;
    if (index !== this.upstreamIndex) {
      this.closeBlock();
      this.upstreamIndex = index;
    }
    this.started = true;
    const d = isRecord(delta) ? delta : {};
    switch (d["type"]) {
      case "text_delta":
        this.blocks.text(str(d["text"]) ?? "");
        break;
      case "thinking_delta":
        this.blocks.thinking(str(d["thinking"]) ?? "");
        break;
      case "signature_delta":
        this.blocks.signature(str(d["signature"]) ?? "");
        break;
      case "input_json_delta":
        if (!this.blocks.toolArgs(str(d["partial_json"]) ?? "")) {
          this.fail("api_error", `upstream sent input_json_delta for block ${index}, which is not a tool_use block`);
        }
        break;
      default:
        break; // citations_delta and future delta types
    }
  }

  private onMessageDelta(msg: Record<string, unknown>): void {
    this.closeBlock();
    if (isRecord(msg["usage"])) {
      this.usage = usageFromAnthropic(msg["usage"], this.usage);
      this.emit({ type: "usage", usage: this.usage });
    }
    const delta = isRecord(msg["delta"]) ? msg["delta"] : {};
    const reason = str(delta["stop_reason"]);
    if (reason !== undefined && this.stop === undefined) {
      this.stop = { reason: stopReasonFromAnthropic(reason), sequence: str(delta["stop_sequence"]) ?? null };
      this.emit({ type: "finish", stop: this.stop });
    }
  }

  private closeBlock(): void {
    this.skipping = false;
    this.blocks.close();
  }

  private fail(type: string, message: string): void {
    if (this.done) return;
    this.done = true;
    this.emit({ type: "error", error: { type, message } });
  }
}
