// Serializing SSE frames. Payloads are already-serialized JSON strings.

/** `event: <name>` + `data: <json>` frame, as Anthropic streams use. */
export function sseEvent(name: string, json: string): string {
  return `event: ${name}\ndata: ${json}\n\n`;
}

/** A `data: <json>` frame, as OpenAI streams use. */
export function sseData(json: string): string {
  return `data: ${json}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";
