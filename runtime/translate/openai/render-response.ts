// IR → Chat Completions (non-streaming) response. Text blocks are concatenated (as a
// stream of them would be), thinking becomes reasoning_content, signatures and redacted
// thinking have no place in Chat Completions.
import type { IrResponse } from "../ir";
import { finishToOpenAI } from "../map-finish-reason";
import { openAICompletionId } from "../response-options";
import type { ResponseOptions } from "../response-options";
import { usageToOpenAI } from "../usage";
import type { ChatCompletion, ChatToolCall } from "../wire/openai";

export function renderOpenAIResponse(ir: IrResponse, opts: ResponseOptions = {}): ChatCompletion {
  let text: string | null = null;
  let reasoning: string | undefined;
  const calls: ChatToolCall[] = [];
  for (const b of ir.content) {
    switch (b.type) {
      case "text":
        text = (text ?? "") + b.text;
        break;
      case "thinking":
        reasoning = (reasoning ?? "") + b.thinking;
        break;
      case "redacted_thinking":
        break;
      case "tool_use":
        calls.push({ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input) } });
        break;
      default: {
        const never: never = b;
        return never;
      }
    }
  }
  const message: ChatCompletion["choices"][number]["message"] = { role: "assistant", content: text, refusal: null };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: openAICompletionId(opts, ir.id),
    object: "chat.completion",
    created: opts.created ?? ir.created ?? Math.floor(Date.now() / 1000),
    model: opts.model ?? ir.model,
    choices: [
      { index: 0, message, logprobs: null, finish_reason: ir.stop === undefined ? null : finishToOpenAI(ir.stop.reason) },
    ],
    usage: usageToOpenAI(ir.usage),
  };
}
