// Anthropic Messages request → IR. Everything is validated; anything without a Chat
// Completions counterpart is a TranslateError naming the field (never silently dropped).
// Ignored on purpose: cache_control (a caching hint, anywhere) and thinking.display.
import { TranslateError } from "../errors";
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
  rejectUnknownKeys,
} from "../json";
import { isEffort } from "../reasoning-effort";
import { parseAssistantContent, parseUserContent } from "./parse-content";

const TARGET = "Chat Completions";
const HANDLED: ReadonlySet<string> = new Set([
  "model",
  "max_tokens",
  "messages",
  "system",
  "metadata",
  "stop_sequences",
  "stream",
  "temperature",
  "top_p",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "service_tier",
  "cache_control",
]);

export function parseAnthropicRequest(value: unknown, ignoreFields: readonly string[] = []): IrRequest {
  const req = needRecord(value, "request body");
  rejectUnknownKeys(req, HANDLED, "", TARGET, ignoreFields);
  const toolChoice = parseToolChoice(req["tool_choice"]);
  const metadata = req["metadata"] === undefined ? undefined : needRecord(req["metadata"], "metadata");
  if (metadata !== undefined) rejectUnknownKeys(metadata, new Set(["user_id"]), "metadata", TARGET);
  return {
    model: needString(req["model"], "model"),
    system: parseSystem(req["system"]),
    messages: needArray(req["messages"], "messages").map(parseMessage),
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

function parseSystem(system: unknown): string[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return [system];
  return needArray(system, "system").map((item, i) => {
    const block = needRecord(item, `system[${i}]`);
    if (block["type"] !== "text") {
      throw new TranslateError(`system[${i}].type must be "text", got ${JSON.stringify(block["type"])}`, `system[${i}].type`);
    }
    return needString(block["text"], `system[${i}].text`);
  });
}

function parseMessage(item: unknown, i: number): IrMessage {
  const msg = needRecord(item, `messages[${i}]`);
  const path = `messages[${i}].content`;
  switch (msg["role"]) {
    case "user":
      return { role: "user", content: parseUserContent(msg["content"], path) };
    case "assistant":
      return { role: "assistant", content: parseAssistantContent(msg["content"], path) };
    default:
      throw new TranslateError(
        `messages[${i}].role must be "user" or "assistant", got ${JSON.stringify(msg["role"])}`,
        `messages[${i}].role`,
      );
  }
}

function parseTool(item: unknown, i: number): IrTool {
  const tool = needRecord(item, `tools[${i}]`);
  const type = tool["type"];
  if (type !== undefined && type !== null && type !== "custom") {
    throw new TranslateError(
      `tools[${i}].type ${JSON.stringify(type)} is an Anthropic server tool with no ${TARGET} equivalent; remove it`,
      `tools[${i}].type`,
    );
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
      throw new TranslateError(
        `thinking.type ${JSON.stringify(t["type"])} has no ${TARGET} equivalent; use "enabled", "adaptive" or "disabled"`,
        "thinking.type",
      );
  }
}

function parseOutputFormat(outputConfig: unknown): IrResponseFormat | undefined {
  if (outputConfig === undefined || outputConfig === null) return undefined;
  const oc = needRecord(outputConfig, "output_config");
  rejectUnknownKeys(oc, new Set(["effort", "format"]), "output_config", TARGET);
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
