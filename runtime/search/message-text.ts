// What the search index keeps of a stored message: the words a person would look for.
// Text blocks as written; a tool call's name and the values of its input (not the JSON keys
// and punctuation); a tool result's text; a document's title. Thinking is the model's scratch
// work, and images carry no words, so both are left out.
import { searchableText } from "./snippet";

/** Longest text kept per message: enough for any real turn, bounded so one message cannot bloat the index. */
export const MAX_MESSAGE_TEXT = 32_000;

/** The searchable text of a message's content (a string, or Anthropic content blocks). */
export function messageText(content: unknown): string {
  const parts: string[] = [];
  collectContent(content, parts);
  return searchableText(parts.join("\n")).slice(0, MAX_MESSAGE_TEXT);
}

function collectContent(content: unknown, out: string[]): void {
  if (typeof content === "string") out.push(content);
  else if (Array.isArray(content)) for (const block of content) collectBlock(block, out);
}

function collectBlock(block: unknown, out: string[]): void {
  if (typeof block !== "object" || block === null) return;
  const b = block as Record<string, unknown>;
  switch (b.type) {
    case "text":
      if (typeof b.text === "string") out.push(b.text);
      return;
    case "tool_use":
    case "server_tool_use":
      if (typeof b.name === "string") out.push(b.name);
      collectValues(b.input, out);
      return;
    case "tool_result":
      collectContent(b.content, out);
      return;
    case "document":
    case "search_result":
      if (typeof b.title === "string") out.push(b.title);
      return;
    default:
      // thinking, redacted_thinking, image and any block type we do not know: nothing to search.
      return;
  }
}

/** The string and number leaves of a tool input, in order (its keys are schema, not content). */
function collectValues(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number" || typeof value === "boolean") out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collectValues(v, out);
  else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) collectValues(v, out);
}
