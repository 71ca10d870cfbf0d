// Chat Completions request → IR. Everything is validated; a parameter without an
// Anthropic counterpart is a TranslateError naming it, unless it is at its neutral value
// (n: 1, penalties 0, logprobs false, ...). Ignored on purpose: stream_options (usage is
// always reported), prompt_cache_key / prompt_cache_retention (caching hints), metadata
// without store, and a tool's `strict` flag is carried over.
import { TranslateError } from "../errors";
import type { IrReasoning, IrRequest, IrResponseFormat, IrTool, IrToolChoice } from "../ir";
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
import { parseMessages } from "./parse-messages";

const TARGET = "Anthropic Messages";
const HANDLED: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "user",
  "safety_identifier",
  "reasoning_effort",
  "response_format",
  "service_tier",
  "metadata",
  "store",
  "prompt_cache_key",
  "prompt_cache_retention",
  // Accepted only at their neutral values, checked below.
  "n",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "logit_bias",
  "modalities",
]);

export function parseOpenAIRequest(value: unknown, ignoreFields: readonly string[] = []): IrRequest {
  const req = needRecord(value, "request body");
  rejectUnknownKeys(req, HANDLED, "", TARGET, ignoreFields);
  rejectNonNeutral(req, ignoreFields);
  const { system, messages } = parseMessages(req["messages"]);
  const temperature = optNumber(req["temperature"], "temperature");
  if (temperature !== undefined && (temperature < 0 || temperature > 1)) {
    throw new TranslateError(`temperature must be between 0 and 1 for Anthropic models, got ${temperature}`, "temperature");
  }
  const parallel = optBoolean(req["parallel_tool_calls"], "parallel_tool_calls");
  return {
    model: needString(req["model"], "model"),
    system,
    messages,
    maxTokens:
      optPositiveInt(req["max_completion_tokens"], "max_completion_tokens") ?? optPositiveInt(req["max_tokens"], "max_tokens"),
    temperature,
    topP: optNumber(req["top_p"], "top_p"),
    stop: parseStop(req["stop"]),
    stream: optBoolean(req["stream"], "stream") ?? false,
    tools: req["tools"] === undefined || req["tools"] === null ? [] : needArray(req["tools"], "tools").map(parseTool),
    toolChoice: parseToolChoice(req["tool_choice"]),
    parallelToolCalls: parallel,
    user: optString(req["user"], "user") ?? optString(req["safety_identifier"], "safety_identifier"),
    reasoning: parseReasoning(req["reasoning_effort"]),
    responseFormat: parseResponseFormat(req["response_format"]),
    serviceTier: parseServiceTier(req["service_tier"]),
  };
}

function rejectNonNeutral(req: Record<string, unknown>, ignoreFields: readonly string[]): void {
  const neutral: Array<[string, (v: unknown) => boolean]> = [
    ["n", (v) => v === 1],
    ["presence_penalty", (v) => v === 0],
    ["frequency_penalty", (v) => v === 0],
    ["logprobs", (v) => v === false],
    ["logit_bias", (v) => isRecord(v) && Object.keys(v).length === 0],
    ["modalities", (v) => Array.isArray(v) && v.length === 1 && v[0] === "text"],
    ["store", (v) => v === false],
  ];
  for (const [key, ok] of neutral) {
    const v = req[key];
    if (v === undefined || v === null || ignoreFields.includes(key) || ok(v)) continue;
    throw new TranslateError(`${key} ${JSON.stringify(v)} has no ${TARGET} equivalent; remove it`, key);
  }
}

function parseStop(stop: unknown): string[] {
  if (stop === undefined || stop === null) return [];
  if (typeof stop === "string") return [stop];
  return needArray(stop, "stop").map((s, i) => needString(s, `stop[${i}]`));
}

function parseTool(item: unknown, i: number): IrTool {
  const tool = needRecord(item, `tools[${i}]`);
  if (tool["type"] !== "function") {
    throw new TranslateError(
      `tools[${i}].type ${JSON.stringify(tool["type"])} has no ${TARGET} equivalent; only function tools can be translated`,
      `tools[${i}].type`,
    );
  }
  const fn = needRecord(tool["function"], `tools[${i}].function`);
  const params = fn["parameters"];
  const schema = params === undefined || params === null ? { type: "object", properties: {} } : needRecord(params, `tools[${i}].function.parameters`);
  if (schema["type"] !== "object") {
    throw new TranslateError(
      `tools[${i}].function.parameters.type must be "object" for Anthropic tools, got ${JSON.stringify(schema["type"])}`,
      `tools[${i}].function.parameters.type`,
    );
  }
  return {
    name: needString(fn["name"], `tools[${i}].function.name`),
    description: optString(fn["description"], `tools[${i}].function.description`),
    inputSchema: schema,
    strict: optBoolean(fn["strict"], `tools[${i}].function.strict`),
  };
}

function parseToolChoice(value: unknown): IrToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return { type: value };
  const tc = needRecord(value, "tool_choice");
  if (tc["type"] !== "function") {
    throw new TranslateError(
      `tool_choice.type ${JSON.stringify(tc["type"])} has no ${TARGET} equivalent; use "auto", "none", "required" or a function`,
      "tool_choice.type",
    );
  }
  const fn = needRecord(tc["function"], "tool_choice.function");
  return { type: "tool", name: needString(fn["name"], "tool_choice.function.name") };
}

function parseReasoning(value: unknown): IrReasoning | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "none") return { type: "off" };
  if (typeof value === "string" && isEffort(value)) return { type: "effort", effort: value };
  throw new TranslateError(
    `reasoning_effort must be none, minimal, low, medium, high, xhigh or max, got ${JSON.stringify(value)}`,
    "reasoning_effort",
  );
}

function parseResponseFormat(value: unknown): IrResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const rf = needRecord(value, "response_format");
  switch (rf["type"]) {
    case "text":
      return undefined;
    case "json_schema": {
      const js = needRecord(rf["json_schema"], "response_format.json_schema");
      return {
        name: optString(js["name"], "response_format.json_schema.name"),
        schema: needRecord(js["schema"], "response_format.json_schema.schema"),
      };
    }
    default:
      throw new TranslateError(
        `response_format.type ${JSON.stringify(rf["type"])} has no ${TARGET} equivalent; use json_schema`,
        "response_format.type",
      );
  }
}

function parseServiceTier(value: unknown): IrRequest["serviceTier"] {
  if (value === undefined || value === null) return undefined;
  if (value === "auto") return "auto";
  if (value === "default") return "standard";
  throw new TranslateError(`service_tier ${JSON.stringify(value)} has no ${TARGET} equivalent; use "auto" or "default"`, "service_tier");
}
