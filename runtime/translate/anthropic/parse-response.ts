// Anthropic Messages (non-streaming) response → IR. Server-tool blocks (web search
// results and the like) have no Chat Completions counterpart and are left out.
import { UpstreamFormatError } from "../errors";
import type { IrAssistantBlock, IrResponse } from "../ir";
import { zeroUsage } from "../ir";
import { isRecord, str } from "../json";
import { stopReasonFromAnthropic } from "../map-finish-reason";
import { usageFromAnthropic } from "../usage";

export function parseAnthropicResponse(value: unknown): IrResponse {
  if (!isRecord(value)) throw new UpstreamFormatError("upstream response is not a JSON object");
  const content = value["content"];
  if (!Array.isArray(content)) throw new UpstreamFormatError("upstream response has no content array");
  const blocks: IrAssistantBlock[] = [];
  for (const item of content) {
    if (!isRecord(item)) continue;
    switch (item["type"]) {
      case "text": {
        const text = str(item["text"]) ?? "";
        if (text !== "") blocks.push({ type: "text", text });
        break;
      }
      case "thinking": {
        const signature = str(item["signature"]);
        blocks.push({ type: "thinking", thinking: str(item["thinking"]) ?? "", signature: signature || undefined });
        break;
      }
      case "redacted_thinking":
        blocks.push({ type: "redacted_thinking", data: str(item["data"]) ?? "" });
        break;
      case "tool_use": {
        const input = item["input"];
        blocks.push({
          type: "tool_use",
          id: str(item["id"]) ?? "",
          name: str(item["name"]) ?? "",
          input: isRecord(input) ? input : {},
        });
        break;
      }
      default:
        break;
    }
  }
  const reason = str(value["stop_reason"]);
  const usage = value["usage"];
  return {
    id: str(value["id"]) ?? "",
    model: str(value["model"]) ?? "",
    created: undefined,
    content: blocks,
    stop: reason === undefined ? undefined : { reason: stopReasonFromAnthropic(reason), sequence: str(value["stop_sequence"]) ?? null },
    usage: isRecord(usage) ? usageFromAnthropic(usage) : zeroUsage(),
  };
}
