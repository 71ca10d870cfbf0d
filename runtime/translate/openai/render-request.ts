// IR → Chat Completions request.
// Tool results become `tool` messages (placed first, as OpenAI requires right after the
// assistant's tool_calls); an error result is prefixed "Error: " since Chat Completions
// has no error flag; images inside tool results follow in a user message because tool
// messages carry text only. Prior thinking is dropped unless replayReasoning is set, and
// redacted thinking (opaque to anyone but Anthropic) always is.
import { ANTHROPIC_TO_CHAT, refuse } from "../field-policy";
import type { IrAssistantBlock, IrMessage, IrMediaSource, IrRequest, IrToolResult, IrUserPart } from "../ir";
import { effortForBudget } from "../reasoning-effort";
import type { ToOpenAIOptions } from "../request-options";
import type {
  ChatCompletionRequest,
  ChatMessage,
  ChatReasoningEffort,
  ChatTextPart,
  ChatToolCall,
  ChatUserContentPart,
} from "../wire/openai";

export function renderOpenAIRequest(ir: IrRequest, opts: ToOpenAIOptions = {}): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (ir.system.length === 1) messages.push({ role: "system", content: ir.system[0] ?? "" });
  else if (ir.system.length > 1) messages.push({ role: "system", content: ir.system.map(textPart) });
  ir.messages.forEach((m, i) => renderMessage(m, i, messages, opts));

  const out: ChatCompletionRequest = { model: opts.model ?? ir.model, messages };
  if (ir.maxTokens !== undefined) out[opts.maxTokensField ?? "max_tokens"] = ir.maxTokens;
  if (ir.temperature !== undefined) out.temperature = ir.temperature;
  if (ir.topP !== undefined) out.top_p = ir.topP;
  if (ir.stop.length > 0) out.stop = ir.stop;
  if (ir.tools.length > 0) {
    out.tools = ir.tools.map((t) => {
      const fn = {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.inputSchema,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      };
      return { type: "function", function: fn };
    });
    if (ir.toolChoice !== undefined) {
      const c = ir.toolChoice;
      out.tool_choice = c.type === "tool" ? { type: "function", function: { name: c.name } } : c.type;
    }
    if (ir.parallelToolCalls === false) out.parallel_tool_calls = false;
  } else if (ir.toolChoice?.type === "none") {
    out.tool_choice = "none";
  }
  if (ir.user !== undefined) out.user = ir.user;
  const effort = reasoningEffort(ir);
  if (effort !== undefined) out.reasoning_effort = effort;
  if (ir.responseFormat !== undefined) {
    out.response_format = {
      type: "json_schema",
      json_schema: { name: ir.responseFormat.name ?? "response", schema: ir.responseFormat.schema, strict: true },
    };
  }
  if (ir.serviceTier !== undefined) out.service_tier = ir.serviceTier === "auto" ? "auto" : "default";
  if (ir.stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

function reasoningEffort(ir: IrRequest): ChatReasoningEffort | undefined {
  const r = ir.reasoning;
  if (r === undefined) return undefined;
  switch (r.type) {
    case "off":
    case "auto":
      return undefined; // the provider's default
    case "budget":
      return effortForBudget(r.budgetTokens);
    case "effort":
      return r.effort;
    default: {
      const never: never = r;
      return never;
    }
  }
}

function textPart(text: string): ChatTextPart {
  return { type: "text", text };
}

function dataUrl(source: Extract<IrMediaSource, { kind: "base64" }>): string {
  return `data:${source.mediaType};base64,${source.data}`;
}

function userPart(part: IrUserPart, path: string): ChatUserContentPart {
  switch (part.type) {
    case "text":
      return textPart(part.text);
    case "image":
      return { type: "image_url", image_url: { url: part.source.kind === "url" ? part.source.url : dataUrl(part.source) } };
    case "document":
      if (part.source.kind !== "base64" || part.source.mediaType !== "application/pdf") {
        throw refuse(ANTHROPIC_TO_CHAT, "messages[].content[].type=document (PDF by URL)", `${path}.source`, path);
      }
      return { type: "file", file: { filename: part.title ?? "document.pdf", file_data: dataUrl(part.source) } };
    default: {
      const never: never = part;
      return never;
    }
  }
}

function renderMessage(m: IrMessage, i: number, out: ChatMessage[], opts: ToOpenAIOptions): void {
  if (m.role === "assistant") {
    const msg = renderAssistant(m.content, opts);
    if (msg !== undefined) out.push(msg);
    return;
  }
  const parts: ChatUserContentPart[] = [];
  const trailing: ChatUserContentPart[] = [];
  m.content.forEach((part, j) => {
    const path = `messages[${i}].content[${j}]`;
    if (part.type === "tool_result") out.push(renderToolResult(part, path, trailing));
    else parts.push(userPart(part, path));
  });
  const all = trailing.concat(parts);
  if (all.length === 0) return;
  const only = all[0];
  out.push({ role: "user", content: all.length === 1 && only?.type === "text" ? only.text : all });
}

function renderToolResult(result: IrToolResult, path: string, trailing: ChatUserContentPart[]): ChatMessage {
  const texts: ChatTextPart[] = [];
  result.content.forEach((part, k) => {
    if (part.type === "text") texts.push(textPart(part.text));
    else trailing.push(userPart(part, `${path}.content[${k}]`));
  });
  if (result.isError) {
    const first = texts[0];
    if (first === undefined) texts.push(textPart("Error"));
    else first.text = `Error: ${first.text}`;
  }
  const only = texts[0];
  const content = texts.length === 0 ? "" : texts.length === 1 && only !== undefined ? only.text : texts;
  return { role: "tool", tool_call_id: result.toolCallId, content };
}

function renderAssistant(blocks: IrAssistantBlock[], opts: ToOpenAIOptions): ChatMessage | undefined {
  const texts: ChatTextPart[] = [];
  const calls: ChatToolCall[] = [];
  let reasoning = "";
  for (const b of blocks) {
    switch (b.type) {
      case "text":
        if (b.text !== "") texts.push(textPart(b.text));
        break;
      case "tool_use":
        calls.push({ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input) } });
        break;
      case "thinking":
        reasoning += b.thinking;
        break;
      case "redacted_thinking":
        break;
      default: {
        const never: never = b;
        return never;
      }
    }
  }
  const replay = opts.replayReasoning === true && reasoning !== "";
  if (texts.length === 0 && calls.length === 0 && !replay) return undefined;
  const only = texts[0];
  const content = texts.length === 0 ? null : texts.length === 1 && only !== undefined ? only.text : texts;
  const msg: Extract<ChatMessage, { role: "assistant" }> = { role: "assistant", content };
  if (calls.length > 0) msg.tool_calls = calls;
  if (replay) msg.reasoning_content = reasoning;
  return msg;
}
