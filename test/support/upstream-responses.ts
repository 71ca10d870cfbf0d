// OpenAI Responses API bodies for the local upstream (`POST …/responses`), and a default reply
// that accepts every request on every route the gateway calls, so a 4xx seen by a client can
// only come from Gatehouse itself. Shapes follow OpenAI's published Responses objects and
// `response.*` stream events. No vitest imports (the client runner loads it outside vitest).
import { builtinReply, type RecordedCall, type Scenario } from "./upstream-server";

const CREATED = 1_735_689_600;
const event = (name: string, data: Record<string, unknown>) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;

export interface ResponsesReplyOptions {
  model?: string;
  id?: string;
  text?: string;
  /** A function call instead of text: its name and JSON arguments. */
  functionCall?: { name: string; arguments: string; callId?: string };
  inputTokens?: number;
  outputTokens?: number;
}

/** The `output` items of a finished response. */
function outputItems(o: ResponsesReplyOptions): Record<string, unknown>[] {
  if (o.functionCall) {
    return [{ type: "function_call", id: "fc_upstream_1", call_id: o.functionCall.callId ?? "call_upstream_1", name: o.functionCall.name, arguments: o.functionCall.arguments, status: "completed" }];
  }
  return [{ type: "message", id: "msg_upstream_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: o.text ?? "Hello from the local upstream.", annotations: [] }] }];
}

/** A completed `response` object (the non-streaming reply). */
export function responsesObject(o: ResponsesReplyOptions = {}): Record<string, unknown> {
  const input = o.inputTokens ?? 12;
  const output = o.outputTokens ?? 6;
  return {
    id: o.id ?? "resp_upstream_1",
    object: "response",
    created_at: CREATED,
    status: "completed",
    model: o.model ?? "upstream-test-model",
    output: outputItems(o),
    usage: { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output },
  };
}

/** The same response as a `response.*` event stream. */
export function responsesStream(o: ResponsesReplyOptions = {}): string {
  const done = responsesObject(o);
  const started = { ...done, status: "in_progress", output: [], usage: null };
  let seq = 0;
  let out = event("response.created", { sequence_number: seq++, response: started });
  out += event("response.in_progress", { sequence_number: seq++, response: started });
  const [item] = outputItems(o);
  if (o.functionCall) {
    out += event("response.output_item.added", { sequence_number: seq++, output_index: 0, item: { ...item, arguments: "", status: "in_progress" } });
    out += event("response.function_call_arguments.delta", { sequence_number: seq++, output_index: 0, item_id: "fc_upstream_1", delta: o.functionCall.arguments });
    out += event("response.function_call_arguments.done", { sequence_number: seq++, output_index: 0, item_id: "fc_upstream_1", arguments: o.functionCall.arguments });
  } else {
    const text = o.text ?? "Hello from the local upstream.";
    out += event("response.output_item.added", { sequence_number: seq++, output_index: 0, item: { ...item, content: [], status: "in_progress" } });
    out += event("response.content_part.added", { sequence_number: seq++, output_index: 0, item_id: "msg_upstream_1", content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
    out += event("response.output_text.delta", { sequence_number: seq++, output_index: 0, item_id: "msg_upstream_1", content_index: 0, delta: text });
    out += event("response.output_text.done", { sequence_number: seq++, output_index: 0, item_id: "msg_upstream_1", content_index: 0, text });
    out += event("response.content_part.done", { sequence_number: seq++, output_index: 0, item_id: "msg_upstream_1", content_index: 0, part: { type: "output_text", text, annotations: [] } });
  }
  out += event("response.output_item.done", { sequence_number: seq++, output_index: 0, item });
  out += event("response.completed", { sequence_number: seq++, response: done });
  return out;
}

/**
 * The upstream's reply to anything: the built-in chat/messages replies, Responses objects or
 * streams, and a token count for count_tokens. Never a 4xx.
 */
export function acceptEverything(call: RecordedCall): Scenario {
  const body = (typeof call.body === "object" && call.body !== null ? call.body : {}) as Record<string, unknown>;
  const model = typeof body.model === "string" ? body.model : undefined;
  if (call.path.endsWith("/messages/count_tokens")) return { status: 200, json: { input_tokens: 12 } };
  if (call.path.endsWith("/responses")) {
    return body.stream === true ? { status: 200, sse: responsesStream({ model }) } : { status: 200, json: responsesObject({ model }) };
  }
  const reply = builtinReply(call);
  return reply.status === 404 ? { status: 200, json: {} } : reply;
}
