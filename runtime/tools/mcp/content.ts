// A tools/call result as text for the model: text parts as they are, every other part
// summarised in one line (an image's bytes are no use in a text context), structured
// content as JSON when the server sent no parts.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

type Part = CallToolResult["content"][number];

export function renderContent(result: CallToolResult): string {
  const parts = (result.content ?? []).map(renderPart);
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join("\n");
}

function renderPart(part: Part): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "image":
      return `[image: ${part.mimeType}, ${base64Bytes(part.data)} bytes, not shown]`;
    case "audio":
      return `[audio: ${part.mimeType}, ${base64Bytes(part.data)} bytes, not shown]`;
    case "resource_link":
      return `[resource link: ${part.name} <${part.uri}>${part.mimeType ? ` (${part.mimeType})` : ""}]`;
    case "resource": {
      const r = part.resource;
      if ("text" in r && typeof r.text === "string") return `[resource <${r.uri}>]\n${r.text}`;
      const size = "blob" in r && typeof r.blob === "string" ? `, ${base64Bytes(r.blob)} bytes` : "";
      return `[resource <${r.uri}>${r.mimeType ? `: ${r.mimeType}` : ""}${size}, binary, not shown]`;
    }
    default:
      return `[${String((part as { type?: unknown }).type)} content, not shown]`;
  }
}

/** Decoded size of base64 text, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
