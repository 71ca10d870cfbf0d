// Folds IR stream events into a complete response: used to build non-streaming
// responses with the same block rules as streams, and by tests and the CLI.
import { UpstreamFormatError } from "./errors";
import type { IrAssistantBlock, IrError, IrStop, IrStreamEvent, TokenUsage } from "./ir";
import { isRecord } from "./json";

export class IrAssembler {
  readonly blocks: IrAssistantBlock[] = [];
  id: string | undefined;
  model: string | undefined;
  usage: TokenUsage | undefined;
  stop: IrStop | undefined;
  error: IrError | undefined;
  ended = false;
  private toolJson = "";

  readonly handle = (event: IrStreamEvent): void => {
    switch (event.type) {
      case "message_start":
        this.id = event.id;
        this.model = event.model;
        if (event.usage !== undefined) this.usage = event.usage;
        break;
      case "block_start": {
        const head = event.block;
        if (head.type === "tool_use") {
          this.toolJson = "";
          this.blocks.push({ type: "tool_use", id: head.id, name: head.name, input: {} });
        } else if (head.type === "thinking") {
          this.blocks.push({ type: "thinking", thinking: "", signature: undefined });
        } else if (head.type === "text") {
          this.blocks.push({ type: "text", text: "" });
        } else {
          this.blocks.push({ type: "redacted_thinking", data: head.data });
        }
        break;
      }
      case "text_delta": {
        const block = this.blocks[this.blocks.length - 1];
        if (block?.type === "text") block.text += event.text;
        break;
      }
      case "thinking_delta": {
        const block = this.blocks[this.blocks.length - 1];
        if (block?.type === "thinking") block.thinking += event.thinking;
        break;
      }
      case "signature_delta": {
        const block = this.blocks[this.blocks.length - 1];
        if (block?.type === "thinking") block.signature = (block.signature ?? "") + event.signature;
        break;
      }
      case "tool_input_delta":
        this.toolJson += event.partialJson;
        break;
      case "block_stop": {
        const block = this.blocks[this.blocks.length - 1];
        if (block?.type === "tool_use") block.input = parseToolInput(this.toolJson, block.name);
        break;
      }
      case "usage":
        this.usage = event.usage;
        break;
      case "finish":
        this.stop = event.stop;
        break;
      case "message_end":
        this.ended = true;
        break;
      case "error":
        this.error = event.error;
        break;
      default: {
        const never: never = event;
        throw new Error(`unknown IR event ${JSON.stringify(never)}`);
      }
    }
  };
}

/** Tool input must be a JSON object; "" (a call without arguments) is `{}`. */
export function parseToolInput(json: string, toolName: string): Record<string, unknown> {
  if (json.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UpstreamFormatError(`upstream returned arguments for tool "${toolName}" that are not valid JSON`);
  }
  if (!isRecord(value)) {
    throw new UpstreamFormatError(`upstream returned arguments for tool "${toolName}" that are not a JSON object`);
  }
  return value;
}
