// A thread turn's request: the user's content as stored blocks (with a result for every tool
// call the thread still owes one), the tools it asks for, its round limit, and the Anthropic
// Messages body each round sends through complete() (context + the turn so far + tools).
import type { components } from "../../generated/api/types";
import type { AnthropicToolDefinition, ToolSetRequest } from "../agent";
import { estimateTokens, type ContentBlock, type StoredMessage } from "./context-window";

export type TurnInput = components["schemas"]["CreateThreadMessageRequest"];

/** Model rounds in one turn when the request does not say (spec: 1–50). */
export const DEFAULT_MAX_ITERATIONS = 8;

/** A message of the conversation as sent to the model. */
export interface TurnMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

export function maxIterations(input: TurnInput): number {
  return input.max_iterations ?? DEFAULT_MAX_ITERATIONS;
}

/** What the agent layer builds the turn's tools from (the mode defaults there: dynamic without `tools`). */
export function toolSetRequest(input: TurnInput): ToolSetRequest {
  return { mode: input.tools_mode, tools: input.tools, clientTools: input.client_tools };
}

/** The user's turn as stored and sent: a string becomes one text block. */
export function userBlocks(content: TurnInput["content"]): ContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as ContentBlock[]);
}

/**
 * The new user message, made valid after the stored thread: when the thread ends with an
 * assistant's tool calls not all answered (the app's client tools, or a turn cut short), each
 * unanswered call gets an is_error tool_result saying so — the app continues the turn by sending
 * its tool_result blocks, and anything it leaves out is answered here. tool_result blocks come
 * first, as providers require.
 */
export function answerPending(context: readonly StoredMessage[], user: readonly ContentBlock[]): ContentBlock[] {
  const lastAssistant = context.findLastIndex((m) => m.role === "assistant");
  const answered = new Set<string>();
  for (const m of [...context.slice(lastAssistant + 1), { content: user }]) {
    for (const b of m.content) if (b.type === "tool_result" && typeof b.tool_use_id === "string") answered.add(b.tool_use_id);
  }
  const owed: ContentBlock[] = [];
  for (const b of context[lastAssistant]?.content ?? []) {
    if (b.type === "tool_use" && typeof b.id === "string" && !answered.has(b.id)) {
      owed.push({ type: "tool_result", tool_use_id: b.id, is_error: true, content: `no result was sent for this call of ${String(b.name)}: the conversation went on without it` });
    }
  }
  return resultsFirst([...owed, ...user]);
}

/** Tokens of what this turn adds besides the stored context: the new user message, the system prompt and the tool definitions (estimated). */
export function newTurnTokens(input: TurnInput, user: readonly ContentBlock[], tools: readonly AnthropicToolDefinition[]): number {
  return estimateTokens(user) + estimateTokens(input.system) + (tools.length > 0 ? estimateTokens(tools) : 0);
}

/**
 * One round's Anthropic Messages body: the forwarded sampling fields, the conversation (stored
 * context, the new user turn and the rounds so far; consecutive messages of one role merged,
 * which a turn that stopped for tools leaves behind), and the turn's tools.
 */
export function modelBody(input: TurnInput, messages: readonly TurnMessage[], tools: readonly AnthropicToolDefinition[], stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { model: input.model, max_tokens: input.max_tokens };
  if (input.system !== undefined) body.system = input.system;
  body.messages = mergeRoles(messages).map((m) => ({ role: m.role, content: sendable(m.content) }));
  if (tools.length > 0) body.tools = tools;
  for (const field of ["temperature", "top_p", "stop_sequences", "thinking"] as const) {
    if (input[field] !== undefined) body[field] = input[field];
  }
  body.stream = stream;
  return body;
}

/** Consecutive messages of one role as one (tool results first in a user message). */
export function mergeRoles(messages: readonly TurnMessage[]): TurnMessage[] {
  const out: TurnMessage[] = [];
  for (const m of messages) {
    const prev = out.at(-1);
    if (prev !== undefined && prev.role === m.role) {
      out[out.length - 1] = { role: m.role, content: m.role === "user" ? resultsFirst([...prev.content, ...m.content]) : [...prev.content, ...m.content] };
    } else out.push(m);
  }
  return out;
}

function resultsFirst(blocks: readonly ContentBlock[]): ContentBlock[] {
  return [...blocks.filter((b) => b.type === "tool_result"), ...blocks.filter((b) => b.type !== "tool_result")];
}

/**
 * A stored message's blocks as sent again: a thinking block without a signature (one a
 * non-Anthropic model's reasoning became) is left out — Anthropic refuses a thinking block whose
 * signature does not verify, and earlier turns' thinking is optional context. A message made
 * only of such blocks is sent as stored.
 */
export function sendable(blocks: readonly ContentBlock[]): ContentBlock[] {
  const kept = blocks.filter((b) => !(b.type === "thinking" && (typeof b.signature !== "string" || b.signature === "")));
  return kept.length > 0 ? kept : [...blocks];
}
