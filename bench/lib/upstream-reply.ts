// The bench upstream's replies (see upstream-child.ts), apart so the bench can import the
// figures without starting a server: an OpenAI chat completion, or with `stream: true` a
// 50-chunk OpenAI stream that always ends with a usage chunk, whatever the request asked,
// written back to back. A stream asked of model `gpt-4o` (the paced mode) is 300 content
// chunks written one every 20 ms, an LLM's pace.
import type { RecordedCall, Scenario } from "../../test/support/upstream-server";
import { openaiCompletion, sseFromChunks } from "../../test/support/upstream-streams";

export const STREAM_CHUNKS = 50;
export const PACED_MODEL = "gpt-4o";
export const PACED_EVENTS = 300;
export const PACED_INTERVAL_MS = 20;

const completion: Scenario = { status: 200, json: openaiCompletion("Hello from the local upstream.") };
const stream: Scenario = { status: 200, sse: sseFromChunks("openai", STREAM_CHUNKS, { includeUsage: true }) };
const paced: Scenario = { status: 200, sse: sseFromChunks("openai", PACED_EVENTS, { includeUsage: true }), chunkDelayMs: PACED_INTERVAL_MS };
const notFound: Scenario = { status: 404, json: { error: { type: "not_found", message: "the bench upstream only serves POST …/chat/completions" } } };

export function benchReply(call: RecordedCall): Scenario {
  if (!call.path.endsWith("/chat/completions")) return notFound;
  const body = call.body as { stream?: unknown; model?: unknown } | null;
  if (typeof body !== "object" || body === null || body.stream !== true) return completion;
  return body.model === PACED_MODEL ? paced : stream;
}
