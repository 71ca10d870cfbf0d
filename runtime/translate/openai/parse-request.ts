// Chat Completions request → IR. What is read is validated; what has no Anthropic
// counterpart follows the per-field policy (field-policy.ts): dropped (penalties, seed,
// logprobs, store, unknown fields …), or refused only where Anthropic itself would refuse or
// cannot honour it (n > 1, temperature > 1, audio, non-function tools).
import { TranslateError } from "../errors";
import { CHAT_TO_ANTHROPIC, refuse } from "../field-policy";
import type { IrReasoning, IrRequest, IrResponseFormat, IrTool, IrToolChoice } from "../ir";
import { needArray, needRecord, needString, optBoolean, optNumber, optPositiveInt, optString } from "../json";
import { isEffort } from "../reasoning-effort";
import { parseMessages } from "./parse-messages";

const TARGET = "Anthropic Messages";

export function parseOpenAIRequest(value: unknown, ignoreFields: readonly string[] = []): IrRequest {
  const req = needRecord(value, "request body");
  refuseUnhonourable(req, ignoreFields);
  const { system, messages } = parseMessages(req["messages"]);
  const temperature = optNumber(req["temperature"], "temperature");
  if (temperature !== undefined && (temperature < 0 || temperature > 1) && !ignoreFields.includes("temperature")) {
    throw refuse(CHAT_TO_ANTHROPIC, "temperature", "temperature", `temperature must be between 0 and 1 for Anthropic models, got ${temperature}`);
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

/** The refuse rows that depend on a value (field-policy.ts): n > 1 and audio output. */
function refuseUnhonourable(req: Record<string, unknown>, ignoreFields: readonly string[]): void {
  const n = req["n"];
  if (n !== undefined && n !== null && n !== 1 && !ignoreFields.includes("n")) {
    throw refuse(CHAT_TO_ANTHROPIC, "n", "n", `n ${JSON.stringify(n)}`);
  }
  const modalities = req["modalities"];
  if (Array.isArray(modalities) && modalities.some((m) => m !== "text") && !ignoreFields.includes("modalities")) {
    throw refuse(CHAT_TO_ANTHROPIC, "modalities", "modalities", `modalities ${JSON.stringify(modalities)}`);
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
    throw refuse(CHAT_TO_ANTHROPIC, "tools[].type=<not function>", `tools[${i}].type`, `tools[${i}].type ${JSON.stringify(tool["type"])}`);
  }
  // A Responses-style tool carries name and parameters beside `type` (field-policy.ts: map).
  const flat = tool["function"] === undefined && typeof tool["name"] === "string";
  const fn = flat ? tool : needRecord(tool["function"], `tools[${i}].function`);
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
    case "json_object":
      throw refuse(CHAT_TO_ANTHROPIC, "response_format.type=json_object", "response_format.type", `response_format.type "json_object"`);
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
