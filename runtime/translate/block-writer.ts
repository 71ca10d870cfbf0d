// Turns content pieces into well-formed IR blocks: sequential indexes from 0, one block
// open at a time, each kind switch closes the previous block first, empty pieces never
// open a block, and a tool block that got no argument bytes is closed with input `{}`.
import type { IrBlockHead, IrEmit } from "./ir";

export type OpenBlockKind = "none" | "text" | "thinking" | "tool";

export class BlockWriter {
  kind: OpenBlockKind = "none";
  /** IR index of the open block, or of the last one. */
  index = -1;
  private next = 0;
  private toolArgsSent = false;
  private readonly emit: IrEmit;

  constructor(emit: IrEmit) {
    this.emit = emit;
  }

  /** True once any block was opened (content went out). */
  get any(): boolean {
    return this.next > 0;
  }

  open(head: IrBlockHead): void {
    this.close();
    this.index = this.next++;
    this.emit({ type: "block_start", index: this.index, block: head });
    switch (head.type) {
      case "text":
        this.kind = "text";
        break;
      case "thinking":
        this.kind = "thinking";
        break;
      case "tool_use":
        this.kind = "tool";
        this.toolArgsSent = false;
        break;
      case "redacted_thinking":
        // Opaque and complete at once: no deltas follow.
        this.emit({ type: "block_stop", index: this.index });
        break;
      default: {
        const never: never = head;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
  }

  close(): void {
    if (this.kind === "none") return;
    if (this.kind === "tool" && !this.toolArgsSent) {
      this.emit({ type: "tool_input_delta", index: this.index, partialJson: "{}" });
    }
    this.kind = "none";
    this.emit({ type: "block_stop", index: this.index });
  }

  text(text: string): void {
    if (text.length === 0) return;
    if (this.kind !== "text") this.open(TEXT_HEAD);
    this.emit({ type: "text_delta", index: this.index, text });
  }

  thinking(thinking: string): void {
    if (thinking.length === 0) return;
    if (this.kind !== "thinking") this.open(THINKING_HEAD);
    this.emit({ type: "thinking_delta", index: this.index, thinking });
  }

  /** A signature belongs to the open thinking block (a bare one opens an empty block). */
  signature(signature: string): void {
    if (signature.length === 0) return;
    if (this.kind !== "thinking") this.open(THINKING_HEAD);
    this.emit({ type: "signature_delta", index: this.index, signature });
  }

  /** Appends argument JSON to the open tool block; false when no tool block is open. */
  toolArgs(partialJson: string): boolean {
    if (this.kind !== "tool") return false;
    if (partialJson.length === 0) return true;
    this.toolArgsSent = true;
    this.emit({ type: "tool_input_delta", index: this.index, partialJson });
    return true;
  }
}

const TEXT_HEAD: IrBlockHead = { type: "text" };
const THINKING_HEAD: IrBlockHead = { type: "thinking" };
