// IR → Anthropic Messages (non-streaming) response.
import type { IrResponse } from "../ir";
import { anthropicMessageId } from "../response-options";
import type { ResponseOptions } from "../response-options";
import { usageToAnthropic } from "../usage";
import type { AnthropicContentBlock, AnthropicMessage } from "../wire/anthropic";

export function renderAnthropicResponse(ir: IrResponse, opts: ResponseOptions = {}): AnthropicMessage {
  const content = ir.content.map((b): AnthropicContentBlock => {
    switch (b.type) {
      case "text":
        return { type: "text", text: b.text };
      case "thinking":
        // Anthropic's shape requires the field; empty means "no signature", none is invented.
        return { type: "thinking", thinking: b.thinking, signature: b.signature ?? "" };
      case "redacted_thinking":
        return { type: "redacted_thinking", data: b.data };
      case "tool_use":
        return { type: "tool_use", id: b.id, name: b.name, input: b.input };
      default: {
        const never: never = b;
        return never;
      }
    }
  });
  return {
    id: anthropicMessageId(opts, ir.id),
    type: "message",
    role: "assistant",
    model: opts.model ?? ir.model,
    content,
    stop_reason: ir.stop?.reason ?? null,
    stop_sequence: ir.stop?.sequence ?? null,
    usage: usageToAnthropic(ir.usage),
  };
}
