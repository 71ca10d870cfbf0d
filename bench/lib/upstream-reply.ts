// The bench upstream's one reply (see upstream-child.ts), apart so the bench can import the
// chunk count without starting a server: an OpenAI chat completion, or with `stream: true`
// a 50-chunk OpenAI stream that always ends with a usage chunk, whatever the request asked.
import type { RecordedCall, Scenario } from "../../test/support/upstream-server";
import { openaiCompletion, sseFromChunks } from "../../test/support/upstream-streams";

export const STREAM_CHUNKS = 50;

const completion: Scenario = { status: 200, json: openaiCompletion("Hello from the local upstream.") };
const stream: Scenario = { status: 200, sse: sseFromChunks("openai", STREAM_CHUNKS, { includeUsage: true }) };
const notFound: Scenario = { status: 404, json: { error: { type: "not_found", message: "the bench upstream only serves POST …/chat/completions" } } };

export function benchReply(call: RecordedCall): Scenario {
  if (!call.path.endsWith("/chat/completions")) return notFound;
  const body = call.body as { stream?: unknown } | null;
  return typeof body === "object" && body !== null && body.stream === true ? stream : completion;
}
