// IR → Anthropic Messages request.
// Consecutive turns of one role are merged (tool results must sit in the user turn right
// after the tool calls). Thinking without a signature is dropped: Anthropic rejects
// unsigned thinking, and signatures are never invented. Empty text blocks are skipped
// because Anthropic rejects them. reasoning_effort becomes a thinking budget.
import { TranslateError } from "../errors";
import type { IrAssistantBlock, IrMediaSource, IrRequest, IrToolResult, IrUserPart } from "../ir";
import { EFFORT_BUDGET, MIN_THINKING_BUDGET } from "../reasoning-effort";
import type { ToAnthropicOptions } from "../request-options";
import { isImageMediaType } from "../wire/anthropic";
import type {
  AnthropicContentBlockParam,
  AnthropicDocumentBlockParam,
  AnthropicDocumentSource,
  AnthropicImageBlockParam,
  AnthropicImageSource,
  AnthropicToolResultBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicTextBlockParam,
  AnthropicThinkingConfig,
  AnthropicToolChoice,
} from "../wire/anthropic";

const DEFAULT_MAX_TOKENS = 4096;

export function renderAnthropicRequest(ir: IrRequest, opts: ToAnthropicOptions = {}): AnthropicMessagesRequest {
  const thinking = thinkingConfig(ir);
  const budget = thinking?.type === "enabled" ? thinking.budget_tokens : 0;
  const out: AnthropicMessagesRequest = {
    model: opts.model ?? ir.model,
    max_tokens: ir.maxTokens ?? (opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS) + budget,
    ...(ir.system.length === 1 ? { system: ir.system[0] ?? "" } : {}),
    ...(ir.system.length > 1 ? { system: ir.system.map((text): AnthropicTextBlockParam => ({ type: "text", text })) } : {}),
    messages: renderMessages(ir),
  };
  if (thinking !== undefined) {
    if (thinking.type === "enabled" && thinking.budget_tokens >= out.max_tokens) {
      const fitted = out.max_tokens - 1;
      if (fitted < MIN_THINKING_BUDGET) {
        throw new TranslateError(
          `reasoning needs a token limit above ${MIN_THINKING_BUDGET} for Anthropic models, got ${out.max_tokens}; raise max_completion_tokens (or max_tokens) or lower the reasoning effort`,
          "max_completion_tokens",
        );
      }
      thinking.budget_tokens = fitted;
    }
    out.thinking = thinking;
  }
  if (ir.temperature !== undefined) out.temperature = ir.temperature;
  if (ir.topP !== undefined) out.top_p = ir.topP;
  if (ir.stop.length > 0) out.stop_sequences = ir.stop;
  if (ir.tools.length > 0) {
    out.tools = ir.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      input_schema: { ...t.inputSchema, type: "object" },
      ...(t.strict !== undefined ? { strict: t.strict } : {}),
    }));
    const choice = toolChoice(ir);
    if (choice !== undefined) out.tool_choice = choice;
  }
  if (ir.user !== undefined) out.metadata = { user_id: ir.user };
  if (ir.responseFormat !== undefined) out.output_config = { format: { type: "json_schema", schema: ir.responseFormat.schema } };
  if (ir.serviceTier !== undefined) out.service_tier = ir.serviceTier === "auto" ? "auto" : "standard_only";
  if (ir.stream) out.stream = true;
  return out;
}

function thinkingConfig(ir: IrRequest): AnthropicThinkingConfig | undefined {
  const r = ir.reasoning;
  if (r === undefined) return undefined;
  switch (r.type) {
    case "off":
      return undefined; // thinking is off unless asked for
    case "auto":
      return { type: "adaptive" };
    case "budget":
      return { type: "enabled", budget_tokens: r.budgetTokens };
    case "effort":
      return { type: "enabled", budget_tokens: EFFORT_BUDGET[r.effort] };
    default: {
      const never: never = r;
      return never;
    }
  }
}

function toolChoice(ir: IrRequest): AnthropicToolChoice | undefined {
  const noParallel = ir.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const c = ir.toolChoice;
  if (c === undefined) return ir.parallelToolCalls === false ? { type: "auto", disable_parallel_tool_use: true } : undefined;
  switch (c.type) {
    case "auto":
      return { type: "auto", ...noParallel };
    case "required":
      return { type: "any", ...noParallel };
    case "none":
      return { type: "none" };
    case "tool":
      return { type: "tool", name: c.name, ...noParallel };
    default: {
      const never: never = c;
      return never;
    }
  }
}

function renderMessages(ir: IrRequest): AnthropicMessageParam[] {
  const out: AnthropicMessageParam[] = [];
  for (const m of ir.messages) {
    const blocks = m.role === "user" ? m.content.map(userBlock) : assistantBlocks(m.content);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === m.role && Array.isArray(last.content)) last.content.push(...blocks);
    else out.push({ role: m.role, content: blocks });
  }
  // A lone text block reads best as a plain string, as clients usually send it.
  for (const m of out) {
    const only = m.content[0];
    if (m.content.length === 1 && typeof only === "object" && only.type === "text") m.content = only.text;
  }
  return out;
}

function imageSource(source: IrMediaSource): AnthropicImageSource {
  if (source.kind === "url") return { type: "url", url: source.url };
  if (!isImageMediaType(source.mediaType)) {
    throw new TranslateError(`image type ${JSON.stringify(source.mediaType)} is not supported; use jpeg, png, gif or webp`);
  }
  return { type: "base64", media_type: source.mediaType, data: source.data };
}

function documentSource(source: IrMediaSource): AnthropicDocumentSource {
  if (source.kind === "url") return { type: "url", url: source.url };
  if (source.mediaType !== "application/pdf") {
    throw new TranslateError(`document type ${JSON.stringify(source.mediaType)} is not supported; use application/pdf`);
  }
  return { type: "base64", media_type: "application/pdf", data: source.data };
}

function mediaBlock(part: IrUserPart): AnthropicTextBlockParam | AnthropicImageBlockParam | AnthropicDocumentBlockParam {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
      return { type: "image", source: imageSource(part.source) };
    case "document":
      return { type: "document", source: documentSource(part.source), ...(part.title !== undefined ? { title: part.title } : {}) };
    default: {
      const never: never = part;
      return never;
    }
  }
}

function userBlock(part: IrUserPart | IrToolResult): AnthropicContentBlockParam {
  if (part.type !== "tool_result") return mediaBlock(part);
  const content = part.content.map(mediaBlock);
  const only = content[0];
  const block: AnthropicToolResultBlockParam = {
    type: "tool_result",
    tool_use_id: part.toolCallId,
    content: content.length === 1 && only?.type === "text" ? only.text : content,
  };
  if (part.isError) block.is_error = true;
  return block;
}

function assistantBlocks(blocks: IrAssistantBlock[]): AnthropicContentBlockParam[] {
  const out: AnthropicContentBlockParam[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case "text":
        if (b.text !== "") out.push({ type: "text", text: b.text });
        break;
      case "thinking":
        if (b.signature !== undefined && b.signature !== "") out.push({ type: "thinking", thinking: b.thinking, signature: b.signature });
        break;
      case "redacted_thinking":
        out.push({ type: "redacted_thinking", data: b.data });
        break;
      case "tool_use":
        out.push({ type: "tool_use", id: b.id, name: b.name, input: b.input });
        break;
      default: {
        const never: never = b;
        return never;
      }
    }
  }
  return out;
}
