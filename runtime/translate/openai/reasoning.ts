// Reasoning in OpenAI-compatible payloads beyond a plain `reasoning_content` string:
// OpenRouter's `reasoning_details` (text with an optional real signature, summaries,
// encrypted blobs) and Mistral's content arrays of `thinking` chunks.
import type { BlockWriter } from "../block-writer";
import { isRecord, str } from "../json";

/** OpenRouter reasoning_details entries → thinking text, signatures, redacted blocks. */
export function addReasoningDetails(blocks: BlockWriter, details: readonly unknown[]): void {
  for (const detail of details) {
    if (!isRecord(detail)) continue;
    switch (detail["type"]) {
      case "reasoning.text":
        blocks.thinking(str(detail["text"]) ?? "");
        // A signature the provider actually sent (Anthropic models via OpenRouter).
        blocks.signature(str(detail["signature"]) ?? "");
        break;
      case "reasoning.summary":
        blocks.thinking(str(detail["summary"]) ?? "");
        break;
      case "reasoning.encrypted": {
        const data = str(detail["data"]) ?? "";
        if (data !== "") blocks.open({ type: "redacted_thinking", data });
        break;
      }
      default:
        break;
    }
  }
}

/** Mistral-style content arrays: `text` parts and `thinking` parts (nested text chunks). */
export function addContentParts(blocks: BlockWriter, parts: readonly unknown[], text: (t: string) => void): void {
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (part["type"] === "text") {
      text(str(part["text"]) ?? "");
    } else if (part["type"] === "thinking") {
      const thinking = part["thinking"];
      if (typeof thinking === "string") blocks.thinking(thinking);
      else if (Array.isArray(thinking)) {
        for (const chunk of thinking) {
          if (isRecord(chunk) && chunk["type"] === "text") blocks.thinking(str(chunk["text"]) ?? "");
        }
      }
    }
  }
}
