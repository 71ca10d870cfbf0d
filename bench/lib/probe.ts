// Before a target is measured, one request of each kind is checked in full, so a row never
// times something that is not the real answer: a chat completion with its content, and a
// stream with every content chunk, the usage chunk and `data: [DONE]`.
import { STREAM_CHUNKS } from "./upstream-reply";
import type { HttpTarget } from "./load";

async function post(t: HttpTarget, stream: boolean): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${t.port}${t.path}`, {
    method: "POST",
    headers: { ...t.headers, "content-type": "application/json" },
    body: t.body(stream),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Throws with what was wrong (status, body excerpt) unless both replies are complete. */
export async function probe(t: HttpTarget): Promise<void> {
  const json = await post(t, false);
  if (json.status !== 200) throw new Error(`non-streaming: HTTP ${json.status} ${json.text.slice(0, 300)}`);
  const body = JSON.parse(json.text) as { choices?: { message?: { content?: unknown } }[]; usage?: unknown };
  if (typeof body.choices?.[0]?.message?.content !== "string" || !body.usage) throw new Error(`non-streaming: not a chat completion: ${json.text.slice(0, 300)}`);

  const sse = await post(t, true);
  if (sse.status !== 200) throw new Error(`streaming: HTTP ${sse.status} ${sse.text.slice(0, 300)}`);
  let content = 0;
  let usage = false;
  let done = false;
  for (const line of sse.text.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[]; usage?: unknown };
    if (typeof chunk.choices?.[0]?.delta?.content === "string" && chunk.choices[0].delta.content !== "") content++;
    if (chunk.usage) usage = true;
  }
  if (content !== STREAM_CHUNKS || !usage || !done) {
    throw new Error(`streaming: expected ${STREAM_CHUNKS} content chunks, usage and [DONE]; got ${content} chunks, usage ${usage}, done ${done}`);
  }
}
