// Anthropic Messages request → IR. What is read is validated; what has no Chat Completions
// counterpart follows the per-field policy (field-policy.ts): dropped, or refused only where
// no other provider could honour it. Unknown fields are dropped, never an error.
import { TranslateError } from "../errors";
import { ANTHROPIC_TO_CHAT, refuse, refuseListed } from "../field-policy";
import type { IrMessage, IrReasoning, IrRequest, IrResponseFormat, IrTool, IrToolChoice } from "../ir";
import {
  isRecord,
  needArray,
  needRecord,
  needString,
  optBoolean,
  optNumber,
  optPositiveInt,
  optString,
} from "../json";
import { isEffort } from "../reasoning-effort";
import { parseAssistantContent, parseUserContent } from "./parse-content";

/** Top-level fields refused whatever their value (field-policy.ts says why). */
const REFUSED = ["mcp_servers"] as const;

export function parseAnthropicRequest(value: unknown, ignoreFields: readonly string[] = []): IrRequest {
  const req = needRecord(value, "request body");
  refuseListed(req, ANTHROPIC_TO_CHAT, REFUSED, ignoreFields);
  const toolChoice = parseToolChoice(req["tool_choice"]);
  const metadata = req["metadata"] === undefined || req["metadata"] === null ? undefined : needRecord(req["metadata"], "metadata");
  // System turns inside `messages` (Claude Code sends them) join the system prompt, in order.
  const system = parseSystem(req["system"]);
  const messages: IrMessage[] = [];
  needArray(req["messages"], "messages").forEach((item, i) => {
    const msg = needRecord(item, `messages[${i}]`);
    if (msg["role"] === "system") system.push(...parseSystem(msg["content"], `messages[${i}].content`));
    else messages.push(parseMessage(msg, i));
  });
  return {
    model: needString(req["model"], "model"),
    system,
    messages,
    maxTokens: optPositiveInt(req["max_tokens"], "max_tokens"),
    temperature: optNumber(req["temperature"], "temperature"),
    topP: optNumber(req["top_p"], "top_p"),
    stop: req["stop_sequences"] === undefined ? [] : needArray(req["stop_sequences"], "stop_sequences").map((s, i) => needString(s, `stop_sequences[${i}]`)),
    stream: optBoolean(req["stream"], "stream") ?? false,
    tools: req["tools"] === undefined ? [] : needArray(req["tools"], "tools").map(parseTool),
    toolChoice: toolChoice?.choice,
    parallelToolCalls: toolChoice?.disableParallel === true ? false : undefined,
    user: optString(metadata?.["user_id"], "metadata.user_id"),
    reasoning: parseReasoning(req["thinking"], req["output_config"]),
    responseFormat: parseOutputFormat(req["output_config"]),
    serviceTier: parseServiceTier(req["service_tier"]),
  };
}

/** A system prompt (string or blocks) as texts; a block of another type counts by its text, if any. */
function parseSystem(system: unknown, path = "system"): string[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return [system];
  return needArray(system, path).flatMap((item, i) => {
    const block = needRecord(item, `${path}[${i}]`);
    if (block["type"] === "text") return [needString(block["text"], `${path}[${i}].text`)];
    return typeof block["text"] === "string" ? [block["text"]] : [];
  });
}

function parseMessage(msg: Record<string, unknown>, i: number): IrMessage {
  const path = `messages[${i}].content`;
  switch (msg["role"]) {
    case "user":
      return { role: "user", content: parseUserContent(msg["content"], path) };
    case "assistant":
      return { role: "assistant", content: parseAssistantContent(msg["content"], path) };
    default:
      throw new TranslateError(
        `messages[${i}].role must be "user", "assistant" or "system", got ${JSON.stringify(msg["role"])}`,
        `messages[${i}].role`,
      );
  }
}

function parseTool(item: unknown, i: number): IrTool {
  const tool = needRecord(item, `tools[${i}]`);
  const type = tool["type"];
  if (type !== undefined && type !== null && type !== "custom") {
    throw refuse(ANTHROPIC_TO_CHAT, "tools[].type=<server tool>", `tools[${i}].type`, `tools[${i}].type ${JSON.stringify(type)}`);
  }
  return {
    name: needString(tool["name"], `tools[${i}].name`),
    description: optString(tool["description"], `tools[${i}].description`),
    inputSchema: needRecord(tool["input_schema"], `tools[${i}].input_schema`),
    strict: optBoolean(tool["strict"], `tools[${i}].strict`),
  };
}

function parseToolChoice(value: unknown): { choice: IrToolChoice; disableParallel: boolean } | undefined {
  if (value === undefined || value === null) return undefined;
  const tc = needRecord(value, "tool_choice");
  const disableParallel = optBoolean(tc["disable_parallel_tool_use"], "tool_choice.disable_parallel_tool_use") ?? false;
  switch (tc["type"]) {
    case "auto":
      return { choice: { type: "auto" }, disableParallel };
    case "any":
      return { choice: { type: "required" }, disableParallel };
    case "none":
      return { choice: { type: "none" }, disableParallel };
    case "tool":
      return { choice: { type: "tool", name: needString(tc["name"], "tool_choice.name") }, disableParallel };
    default:
      throw new TranslateError(
        `tool_choice.type must be auto, any, tool or none, got ${JSON.stringify(tc["type"])}`,
        "tool_choice.type",
      );
  }
}

function parseReasoning(thinking: unknown, outputConfig: unknown): IrReasoning | undefined {
  const effort = isRecord(outputConfig) ? outputConfig["effort"] : undefined;
  if (effort !== undefined && effort !== null) {
    if (typeof effort !== "string" || !isEffort(effort)) {
      throw new TranslateError(`output_config.effort ${JSON.stringify(effort)} is not a known effort level`, "output_config.effort");
    }
    return { type: "effort", effort };
  }
  if (thinking === undefined || thinking === null) return undefined;
  const t = needRecord(thinking, "thinking");
  switch (t["type"]) {
    case "enabled": {
      const budget = optPositiveInt(t["budget_tokens"], "thinking.budget_tokens");
      if (budget === undefined) throw new TranslateError("thinking.budget_tokens is required when thinking is enabled", "thinking.budget_tokens");
      return { type: "budget", budgetTokens: budget };
    }
    case "disabled":
      return { type: "off" };
    case "adaptive":
      return { type: "auto" };
    default:
      return undefined; // field-policy.ts: thinking.type=<unknown> → drop
  }
}

function parseOutputFormat(outputConfig: unknown): IrResponseFormat | undefined {
  if (outputConfig === undefined || outputConfig === null) return undefined;
  const oc = needRecord(outputConfig, "output_config");
  const format = oc["format"];
  if (format === undefined || format === null) return undefined;
  const f = needRecord(format, "output_config.format");
  if (f["type"] !== "json_schema") {
    throw new TranslateError(`output_config.format.type must be "json_schema", got ${JSON.stringify(f["type"])}`, "output_config.format.type");
  }
  return { name: undefined, schema: needRecord(f["schema"], "output_config.format.schema") };
}

function parseServiceTier(value: unknown): IrRequest["serviceTier"] {
  if (value === undefined || value === null) return undefined;
  if (value === "auto") return "auto";
  if (value === "standard_only") return "standard";
  throw new TranslateError(`service_tier must be "auto" or "standard_only", got ${JSON.stringify(value)}`, "service_tier");
}
