// A thread turn's request: what is refused until the agent loop exists, the user's content as
// stored blocks, and the Anthropic Messages body sent through complete() (context + new turn).
import type { components } from "../../generated/api/types";
import { ApiError } from "../errors";
import { estimateTokens, type ContentBlock, type StoredMessage } from "./context-window";

export type TurnInput = components["schemas"]["CreateThreadMessageRequest"];

/** The agent loop's parameters: named so a client learns which one, and why, instead of a silent drop. */
const AGENT_LOOP_PARAMS = ["tools", "tools_mode", "client_tools", "max_iterations"] as const;

export function refuseAgentLoopParams(input: TurnInput): void {
  for (const param of AGENT_LOOP_PARAMS) {
    if (input[param] !== undefined) {
      throw new ApiError("invalid_request", `${param} is not supported yet: tools in threads come with the agent loop; send the turn without ${param}, or use /v1/messages with tools`, {
        param: `body.${param}`,
      });
    }
  }
}

/** The user's turn as stored and sent: a string becomes one text block. */
export function userBlocks(content: TurnInput["content"]): ContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as ContentBlock[]);
}

/** Tokens of what this turn adds besides the stored context: the new user message and the system prompt (estimated). */
export function newTurnTokens(input: TurnInput, user: readonly ContentBlock[]): number {
  return estimateTokens(user) + estimateTokens(input.system);
}

/** The Anthropic Messages body: the forwarded sampling fields, the context, then the new user turn. */
export function modelBody(input: TurnInput, context: readonly StoredMessage[], user: ContentBlock[], stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { model: input.model, max_tokens: input.max_tokens };
  if (input.system !== undefined) body.system = input.system;
  body.messages = [...context.map((m) => ({ role: m.role, content: sendable(m.content) })), { role: "user", content: user }];
  for (const field of ["temperature", "top_p", "stop_sequences", "thinking"] as const) {
    if (input[field] !== undefined) body[field] = input[field];
  }
  body.stream = stream;
  return body;
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
