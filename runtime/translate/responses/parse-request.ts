// Responses API request → IR (for every provider that does not speak the Responses API itself).
// Validates what Gatehouse must translate (input items, tools, tool_choice, reasoning, limits);
// every other field is dropped on translation, never refused (issue 14: a request the provider
// would accept is never turned away). `store`, `previous_response_id` and `metadata` are read
// by the surface (gateway/responses-surface.ts), not here.
import { TranslateError } from "../errors";
import type { IrAssistantBlock, IrMediaSource, IrMessage, IrReasoning, IrRequest, IrResponseFormat, IrTool, IrToolChoice, IrToolResult, IrUserPart } from "../ir";
import { invalid, isRecord, needArray, needRecord, needString, optBoolean, optNumber, optPositiveInt, optString } from "../json";
import { isEffort } from "../reasoning-effort";
import { REDACTED_PREFIX } from "./items";

/** The input as a list of items: a string input is one user message. */
export function inputItems(input: unknown): unknown[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  if (input === undefined || input === null) return [];
  return needArray(input, "input");
}

/** `body` with `items` as its whole input (the conversation so far, stored turns included). */
export function parseResponsesRequest(body: unknown, items: readonly unknown[] = inputItems(needRecord(body, "request body")["input"])): IrRequest {
  const req = needRecord(body, "request body");
  const system: string[] = [];
  const instructions = optString(req["instructions"], "instructions");
  if (instructions !== undefined && instructions !== "") system.push(instructions);
  const messages: IrMessage[] = [];
  items.forEach((item, i) => addItem(item, `input.${i}`, system, messages));
  const reasoning = isRecord(req["reasoning"]) ? req["reasoning"] : undefined;
  return {
    model: needString(req["model"], "model"),
    system,
    messages,
    maxTokens: optPositiveInt(req["max_output_tokens"], "max_output_tokens"),
    temperature: optNumber(req["temperature"], "temperature"),
    topP: optNumber(req["top_p"], "top_p"),
    stop: [],
    stream: optBoolean(req["stream"], "stream") ?? false,
    tools: parseTools(req["tools"]),
    toolChoice: parseToolChoice(req["tool_choice"]),
    parallelToolCalls: optBoolean(req["parallel_tool_calls"], "parallel_tool_calls"),
    user: optString(req["safety_identifier"], "safety_identifier") ?? optString(req["user"], "user"),
    reasoning: parseReasoning(reasoning?.["effort"]),
    responseFormat: parseTextFormat(req["text"]),
    serviceTier: req["service_tier"] === "auto" ? "auto" : req["service_tier"] === "default" ? "standard" : undefined,
  };
}

/** Appends one input item; consecutive items of one role share a turn (tool results must follow their calls in one turn). */
function addItem(value: unknown, path: string, system: string[], messages: IrMessage[]): void {
  const item = needRecord(value, path);
  const type = item["type"] ?? "message";
  switch (type) {
    case "message": {
      const role = needString(item["role"], `${path}.role`);
      if (role === "system" || role === "developer") {
        system.push(textOf(item["content"], `${path}.content`));
        return;
      }
      if (role === "assistant") return pushAssistant(messages, assistantParts(item["content"], `${path}.content`));
      if (role === "user") return pushUser(messages, userParts(item["content"], `${path}.content`));
      throw new TranslateError(`${path}.role must be one of "user", "assistant", "system", "developer"`, `${path}.role`);
    }
    case "function_call": {
      const args = needString(item["arguments"], `${path}.arguments`);
      let input: unknown;
      try {
        input = args === "" ? {} : JSON.parse(args);
      } catch {
        throw new TranslateError(`${path}.arguments must be a JSON object`, `${path}.arguments`);
      }
      if (!isRecord(input)) throw new TranslateError(`${path}.arguments must be a JSON object`, `${path}.arguments`);
      return pushAssistant(messages, [{ type: "tool_use", id: needString(item["call_id"], `${path}.call_id`), name: needString(item["name"], `${path}.name`), input }]);
    }
    case "function_call_output": {
      const output = item["output"];
      const content: IrUserPart[] = typeof output === "string" ? [{ type: "text", text: output }] : userParts(output, `${path}.output`);
      const result: IrToolResult = { type: "tool_result", toolCallId: needString(item["call_id"], `${path}.call_id`), content, isError: false };
      return pushUser(messages, [result]);
    }
    case "reasoning":
      return pushAssistant(messages, reasoningBlocks(item, path));
    default:
      throw new TranslateError(`${path}.type ${JSON.stringify(type)} cannot be translated for this model (supported: message, function_call, function_call_output, reasoning)`, `${path}.type`);
  }
}

function pushAssistant(messages: IrMessage[], blocks: IrAssistantBlock[]): void {
  const last = messages.at(-1);
  if (last?.role === "assistant") last.content.push(...blocks);
  else messages.push({ role: "assistant", content: blocks });
}

function pushUser(messages: IrMessage[], parts: Array<IrUserPart | IrToolResult>): void {
  const last = messages.at(-1);
  if (last?.role === "user") last.content.push(...parts);
  else messages.push({ role: "user", content: parts });
}

/** Our own reasoning items carry the thinking's signature (or redacted data) in `encrypted_content`: a follow-up turn hands it back to Anthropic unchanged. */
function reasoningBlocks(item: Record<string, unknown>, path: string): IrAssistantBlock[] {
  const encrypted = optString(item["encrypted_content"], `${path}.encrypted_content`);
  if (encrypted?.startsWith(REDACTED_PREFIX)) return [{ type: "redacted_thinking", data: encrypted.slice(REDACTED_PREFIX.length) }];
  const summary = item["summary"] === undefined ? [] : needArray(item["summary"], `${path}.summary`);
  const thinking = summary.map((s, i) => needString(needRecord(s, `${path}.summary.${i}`)["text"], `${path}.summary.${i}.text`)).join("\n\n");
  return [{ type: "thinking", thinking, signature: encrypted }];
}

function textOf(content: unknown, path: string): string {
  if (typeof content === "string") return content;
  return needArray(content, path)
    .map((p, i) => needString(needRecord(p, `${path}.${i}`)["text"], `${path}.${i}.text`))
    .join("\n");
}

function assistantParts(content: unknown, path: string): IrAssistantBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).map((p, i): IrAssistantBlock => {
    const part = needRecord(p, `${path}.${i}`);
    const text = part["type"] === "refusal" ? part["refusal"] : part["text"];
    return { type: "text", text: needString(text, `${path}.${i}.text`) };
  });
}

function userParts(content: unknown, path: string): IrUserPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).map((p, i): IrUserPart => {
    const part = needRecord(p, `${path}.${i}`);
    switch (part["type"]) {
      case "input_text":
      case "output_text":
      case "text":
        return { type: "text", text: needString(part["text"], `${path}.${i}.text`) };
      case "input_image":
        return { type: "image", source: mediaSource(needString(part["image_url"], `${path}.${i}.image_url`)) };
      default:
        throw new TranslateError(`${path}.${i}.type ${JSON.stringify(part["type"])} cannot be translated for this model (supported: input_text, input_image, output_text)`, `${path}.${i}.type`);
    }
  });
}

function mediaSource(url: string): IrMediaSource {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { kind: "base64", mediaType: m[1] ?? "", data: m[2] ?? "" } : { kind: "url", url };
}

/**
 * Only function tools reach a translated model. OpenAI-hosted tools (`web_search`,
 * `file_search`, `code_interpreter`, `image_generation`, `mcp`, …) and `namespace` groups are
 * not offered to it: no other provider runs them, and clients such as Codex send them with
 * every request, so refusing would refuse the client on every model but OpenAI's. The model
 * answers without them (responses/README.md, "Tools").
 */
function parseTools(value: unknown): IrTool[] {
  if (value === undefined || value === null) return [];
  const tools = needArray(value, "tools").map((t, i) => [needRecord(t, `tools.${i}`), i] as const);
  return tools.filter(([tool]) => tool["type"] === "function").map(([tool, i]): IrTool => {
    const params = tool["parameters"];
    return {
      name: needString(tool["name"], `tools.${i}.name`),
      description: optString(tool["description"], `tools.${i}.description`),
      inputSchema: isRecord(params) ? params : { type: "object", properties: {} },
      strict: optBoolean(tool["strict"], `tools.${i}.strict`),
    };
  });
}

function parseToolChoice(value: unknown): IrToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return { type: value };
  if (isRecord(value) && value["type"] === "function") return { type: "tool", name: needString(value["name"], "tool_choice.name") };
  throw invalid("tool_choice", `"auto", "none", "required" or {type: "function", name}`, value);
}

function parseReasoning(effort: unknown): IrReasoning | undefined {
  if (effort === undefined || effort === null) return undefined;
  if (effort === "none") return { type: "off" };
  if (typeof effort === "string" && isEffort(effort)) return { type: "effort", effort };
  throw invalid("reasoning.effort", `"none", "minimal", "low", "medium", "high" or "xhigh"`, effort);
}

function parseTextFormat(text: unknown): IrResponseFormat | undefined {
  const format = isRecord(text) ? text["format"] : undefined;
  if (!isRecord(format) || format["type"] !== "json_schema") return undefined;
  const schema = format["schema"];
  return { name: optString(format["name"], "text.format.name"), schema: isRecord(schema) ? schema : {} };
}
