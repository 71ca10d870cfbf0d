// The Responses API's usage object → the one usage type. Its fields are Chat Completions' under
// other names (input_tokens counts cached reads, output_tokens counts reasoning), so the Chat
// Completions reading (clamps, cache writes) is reused rather than said twice.
import type { TokenUsage } from "../ir";
import { usageFromOpenAI } from "../usage";

export function usageFromResponses(u: Readonly<Record<string, unknown>>): TokenUsage {
  return usageFromOpenAI({
    prompt_tokens: u["input_tokens"],
    completion_tokens: u["output_tokens"],
    prompt_tokens_details: u["input_tokens_details"],
    completion_tokens_details: u["output_tokens_details"],
    total_tokens: u["total_tokens"],
  });
}
