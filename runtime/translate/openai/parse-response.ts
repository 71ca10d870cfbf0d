// Chat Completions (non-streaming) response → IR. Content goes through the same
// BlockWriter as streams, so reasoning, Mistral content arrays, refusals and tool calls
// follow the same rules (no empty blocks, thinking before text, `{}` for no arguments).
import { BlockWriter } from "../block-writer";
import { UpstreamFormatError } from "../errors";
import type { IrResponse } from "../ir";
import { zeroUsage } from "../ir";
import { IrAssembler } from "../ir-assembler";
import { isRecord, num, str } from "../json";
import { stopFromOpenAI } from "../map-finish-reason";
import { usageFromOpenAI } from "../usage";
import { addContentParts, addReasoningDetails } from "./reasoning";

export function parseOpenAIResponse(value: unknown, stopSequences: readonly string[] = []): IrResponse {
  if (!isRecord(value)) throw new UpstreamFormatError("upstream response is not a JSON object");
  const choices = value["choices"];
  const choice = Array.isArray(choices) ? choices.find((c) => isRecord(c) && (c["index"] ?? 0) === 0) : undefined;
  if (!isRecord(choice)) throw new UpstreamFormatError("upstream response has no choices[0]");
  const message = isRecord(choice["message"]) ? choice["message"] : {};

  const assembler = new IrAssembler();
  const blocks = new BlockWriter(assembler.handle);
  let text = "";
  const addText = (t: string): void => {
    blocks.text(t);
    text += t;
  };
  const details = message["reasoning_details"];
  if (Array.isArray(details) && details.length > 0) addReasoningDetails(blocks, details);
  else {
    const reasoning = message["reasoning_content"] ?? message["reasoning"];
    if (typeof reasoning === "string") blocks.thinking(reasoning);
  }
  const content = message["content"];
  if (typeof content === "string") addText(content);
  else if (Array.isArray(content)) addContentParts(blocks, content, addText);
  const refusal = str(message["refusal"]) ?? "";
  addText(refusal);
  const calls = message["tool_calls"];
  if (Array.isArray(calls)) {
    calls.forEach((call, i) => {
      const fn = isRecord(call) && isRecord(call["function"]) ? call["function"] : {};
      const id = (isRecord(call) ? str(call["id"]) : undefined) || `toolu_${str(value["id"]) ?? "gatehouse"}_${i}`;
      blocks.open({ type: "tool_use", id, name: str(fn["name"]) ?? "" });
      const args = fn["arguments"];
      blocks.toolArgs(typeof args === "string" ? args : isRecord(args) ? JSON.stringify(args) : "");
    });
  }
  blocks.close();

  const finish = str(choice["finish_reason"]);
  if (finish === "error") throw new UpstreamFormatError('upstream finished with finish_reason "error"');
  const matched = str(choice["stop_reason"]);
  const stop =
    finish === undefined
      ? undefined
      : stopFromOpenAI(finish, {
          stopSequences,
          textTail: text,
          matchedStop: matched === "" ? undefined : matched,
          refused: refusal !== "",
        });
  const usage = value["usage"];
  return {
    id: str(value["id"]) ?? "",
    model: str(value["model"]) ?? "",
    created: num(value["created"]),
    content: assembler.blocks,
    stop,
    usage: isRecord(usage) ? usageFromOpenAI(usage) : zeroUsage(),
  };
}
