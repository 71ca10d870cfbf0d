// A whole (non-streamed) response as the IR events a stream of it would carry, and back:
// so one consumer (the gateway's complete() and its renderers, an agent loop) handles both.
import { IrAssembler } from "./ir-assembler";
import type { IrResponse, IrStreamEvent } from "./ir";
import { zeroUsage } from "./ir";

/** The events of a stream carrying `ir`: one block each, its content as one delta. */
export function responseEvents(ir: IrResponse): IrStreamEvent[] {
  const events: IrStreamEvent[] = [{ type: "message_start", id: ir.id, model: ir.model, usage: undefined }];
  ir.content.forEach((block, index) => {
    switch (block.type) {
      case "text":
        events.push({ type: "block_start", index, block: { type: "text" } });
        if (block.text !== "") events.push({ type: "text_delta", index, text: block.text });
        break;
      case "thinking":
        events.push({ type: "block_start", index, block: { type: "thinking" } });
        if (block.thinking !== "") events.push({ type: "thinking_delta", index, thinking: block.thinking });
        if (block.signature !== undefined) events.push({ type: "signature_delta", index, signature: block.signature });
        break;
      case "redacted_thinking":
        events.push({ type: "block_start", index, block: { type: "redacted_thinking", data: block.data } });
        break;
      case "tool_use":
        events.push({ type: "block_start", index, block: { type: "tool_use", id: block.id, name: block.name } });
        events.push({ type: "tool_input_delta", index, partialJson: JSON.stringify(block.input) });
        break;
      default: {
        const never: never = block;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
    events.push({ type: "block_stop", index });
  });
  events.push({ type: "usage", usage: ir.usage });
  if (ir.stop !== undefined) events.push({ type: "finish", stop: ir.stop });
  events.push({ type: "message_end" });
  return events;
}

/** Folds events (streamed or from responseEvents) into a whole response. */
export function responseFromEvents(events: Iterable<IrStreamEvent>): IrResponse & { error: IrAssembler["error"] } {
  const asm = new IrAssembler();
  for (const e of events) asm.handle(e);
  return {
    id: asm.id ?? "",
    model: asm.model ?? "",
    created: undefined,
    content: asm.blocks,
    stop: asm.stop,
    usage: asm.usage ?? zeroUsage(),
    error: asm.error,
  };
}
