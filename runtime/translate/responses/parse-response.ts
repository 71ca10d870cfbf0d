// A whole Responses API `response` object → IR, for a non-streamed answer from an upstream
// that speaks the Responses API. Output items map as in stream-to-ir.ts.
import { UpstreamFormatError } from "../errors";
import type { IrAssistantBlock, IrResponse } from "../ir";
import { zeroUsage } from "../ir";
import { isRecord, num, str } from "../json";
import { stopOf } from "./stream-to-ir";
import { usageFromResponses } from "./usage";

export function parseResponsesResponse(value: unknown): IrResponse {
  if (!isRecord(value) || !Array.isArray(value["output"])) throw new UpstreamFormatError("upstream response is not a Responses API response (no output array)");
  const content: IrAssistantBlock[] = [];
  let calledTools = false;
  for (const item of value["output"]) {
    if (!isRecord(item)) continue;
    switch (item["type"]) {
      case "message":
        for (const part of Array.isArray(item["content"]) ? item["content"] : []) {
          if (!isRecord(part)) continue;
          const text = part["type"] === "refusal" ? str(part["refusal"]) : str(part["text"]);
          if (text !== undefined && text !== "") content.push({ type: "text", text });
        }
        break;
      case "function_call": {
        calledTools = true;
        let input: unknown;
        try {
          input = JSON.parse(str(item["arguments"]) || "{}");
        } catch {
          throw new UpstreamFormatError("upstream function_call arguments are not JSON");
        }
        content.push({ type: "tool_use", id: str(item["call_id"]) ?? "", name: str(item["name"]) ?? "", input: isRecord(input) ? input : {} });
        break;
      }
      case "reasoning": {
        const summary = Array.isArray(item["summary"]) ? item["summary"] : [];
        const thinking = summary.map((s) => (isRecord(s) ? (str(s["text"]) ?? "") : "")).join("\n\n");
        const signature = str(item["encrypted_content"]) || undefined;
        if (thinking !== "" || signature !== undefined) content.push({ type: "thinking", thinking, signature });
        break;
      }
      default:
        break; // OpenAI-run tool items: nothing Gatehouse translates
    }
  }
  return {
    id: str(value["id"]) ?? "",
    model: str(value["model"]) ?? "",
    created: num(value["created_at"]),
    content,
    stop: stopOf(value, calledTools),
    usage: isRecord(value["usage"]) ? usageFromResponses(value["usage"]) : zeroUsage(),
  };
}
