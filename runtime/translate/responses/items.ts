// The Responses API's output items and usage, built from the IR: shared by the stream renderer
// (render-stream.ts) and the whole `response` object (render-response.ts), and stored for
// `previous_response_id` (the gateway hands them back as input on the next turn).
import type { IrAssistantBlock, IrStop, TokenUsage } from "../ir";

/** `encrypted_content` of a reasoning item that carries Anthropic's redacted thinking (opaque data, handed back as it came). */
export const REDACTED_PREFIX = "gatehouse-redacted:";

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type OutputItem =
  | { id: string; type: "message"; status: ItemStatus; role: "assistant"; content: Array<{ type: "output_text"; text: string; annotations: never[] }> }
  | { id: string; type: "function_call"; status: ItemStatus; call_id: string; name: string; arguments: string }
  | { id: string; type: "reasoning"; summary: Array<{ type: "summary_text"; text: string }>; encrypted_content?: string };

export type ItemStatus = "in_progress" | "completed" | "incomplete";

/** The Responses usage object: input counts cached reads and writes (OpenAI's way), output counts reasoning. */
export function usageToResponses(u: TokenUsage): ResponsesUsage {
  const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cache_read_input_tokens },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? 0 },
    total_tokens: input + u.output_tokens,
  };
}

/** An item id of the kind's prefix (msg_, fc_, rs_), unique within a response. */
export function itemId(responseId: string, kind: "msg" | "fc" | "rs", index: number): string {
  return `${kind}_${responseId.replace(/^resp_/, "")}_${index}`;
}

/** One IR block as a finished output item. */
export function outputItem(block: IrAssistantBlock, id: string, status: ItemStatus = "completed"): OutputItem {
  switch (block.type) {
    case "text":
      return { id, type: "message", status, role: "assistant", content: [{ type: "output_text", text: block.text, annotations: [] }] };
    case "tool_use":
      return { id, type: "function_call", status, call_id: block.id, name: block.name, arguments: JSON.stringify(block.input) };
    case "thinking":
      return {
        id,
        type: "reasoning",
        summary: block.thinking === "" ? [] : [{ type: "summary_text", text: block.thinking }],
        ...(block.signature !== undefined ? { encrypted_content: block.signature } : {}),
      };
    case "redacted_thinking":
      return { id, type: "reasoning", summary: [], encrypted_content: REDACTED_PREFIX + block.data };
    default: {
      const never: never = block;
      throw new Error(`unknown block ${JSON.stringify(never)}`);
    }
  }
}

/** The response's status from why it stopped: a cut at the output limit is `incomplete`, as OpenAI reports it. */
export function statusOf(stop: IrStop | undefined): { status: "completed" | "incomplete"; incomplete_details: { reason: string } | null } {
  if (stop?.reason === "max_tokens") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (stop?.reason === "refusal") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}
