// Workers AI through the `AI` binding, presented as an OpenAI-shaped upstream (a Response
// with a chat.completion body or an SSE stream of chat.completion.chunk events), so the
// proxy treats it like any HTTP provider. Models that already answer in the OpenAI shape
// (with `choices`) pass through; the classic `{response, tool_calls, usage}` shape is mapped.
import { SseParser } from "../translate/sse-parser";

/** The slice of the binding this adapter uses (a fake in tests, `env.AI` when deployed). */
export interface AiRunner {
  run(model: string, inputs: Record<string, unknown>, options?: { signal?: AbortSignal; gateway?: { id: string } }): Promise<unknown>;
}

interface ClassicOutput {
  response?: unknown;
  tool_calls?: { id?: string; name?: string; arguments?: unknown }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

const PASSED = ["messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "seed", "response_format", "frequency_penalty", "presence_penalty"];

export async function workersAiFetch(ai: AiRunner, model: string, body: Record<string, unknown>, signal: AbortSignal, gatewayId?: string): Promise<Response> {
  const inputs: Record<string, unknown> = {};
  for (const k of PASSED) if (body[k] !== undefined) inputs[k] = body[k];
  if (inputs.max_tokens === undefined && inputs.max_completion_tokens !== undefined) inputs.max_tokens = inputs.max_completion_tokens;
  delete inputs.max_completion_tokens;
  const stream = body.stream === true;
  if (stream) inputs.stream = true;
  const id = `chatcmpl-wai${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const result = await ai.run(model, inputs, { signal, ...(gatewayId ? { gateway: { id: gatewayId } } : {}) });
  if (!stream) return Response.json(toCompletion(result, id, created, model));
  if (!(result instanceof ReadableStream)) throw new Error("Workers AI returned no stream for a streaming request");
  return new Response(result.pipeThrough(toChunks(id, created, model)), { headers: { "content-type": "text/event-stream" } });
}

function toCompletion(result: unknown, id: string, created: number, model: string): unknown {
  if (result && typeof result === "object" && "choices" in result) return result;
  const r = (result ?? {}) as ClassicOutput;
  const calls = (r.tool_calls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}`,
    type: "function",
    function: { name: c.name ?? "", arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments ?? {}) },
  }));
  const text = typeof r.response === "string" ? r.response : r.response === undefined || r.response === null ? null : JSON.stringify(r.response);
  return {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: calls.length ? "tool_calls" : "stop" }],
    usage: usageOf(r.usage),
  };
}

function usageOf(u: ClassicOutput["usage"]) {
  const prompt = u?.prompt_tokens ?? 0;
  const completion = u?.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: u?.total_tokens ?? prompt + completion };
}

/** Classic `data: {"response": "…"}` events → chat.completion.chunk events, ending with finish, usage and [DONE]. */
function toChunks(id: string, created: number, model: string): TransformStream<Uint8Array, Uint8Array> {
  const enc = new TextEncoder();
  let out: string[] = [];
  let usage: ClassicOutput["usage"];
  let sawTools = false;
  let passthrough = false;
  let first = true;
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const parser = new SseParser((_event, data) => {
    if (data === "[DONE]") return;
    let ev: ClassicOutput & { choices?: unknown };
    try {
      ev = JSON.parse(data) as ClassicOutput & { choices?: unknown };
    } catch {
      return; // not JSON: nothing a client can use
    }
    if (ev.choices !== undefined) {
      passthrough = true;
      out.push(`data: ${data}\n\n`);
      return;
    }
    if (first) {
      out.push(chunk({ role: "assistant", content: "" }));
      first = false;
    }
    if (typeof ev.response === "string" && ev.response !== "") out.push(chunk({ content: ev.response }));
    for (const [i, c] of (ev.tool_calls ?? []).entries()) {
      sawTools = true;
      const args = typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments ?? {});
      out.push(chunk({ tool_calls: [{ index: i, id: c.id ?? `call_${i}`, type: "function", function: { name: c.name ?? "", arguments: args } }] }));
    }
    if (ev.usage) usage = ev.usage;
  });
  const flush = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (out.length) controller.enqueue(enc.encode(out.join("")));
    out = [];
  };
  return new TransformStream({
    transform(bytes, controller) {
      parser.push(bytes);
      flush(controller);
    },
    flush(controller) {
      parser.end();
      if (!passthrough) {
        out.push(chunk({}, sawTools ? "tool_calls" : "stop"));
        out.push(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(usage) })}\n\n`);
      }
      out.push("data: [DONE]\n\n");
      flush(controller);
    },
  });
}
