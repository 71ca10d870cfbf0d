// What the local upstream answers the real clients: recorded provider streams from the shared
// corpus (../shared/fixtures/upstream/), with the recorded tool call renamed to the tool the
// client offered and its argument fragments replaced by the arguments the test wants, so the
// client really runs the tool and sends its result back. A turn that carries a tool result
// gets the recorded text stream (the follow-up). Anything else (a client's side requests:
// titles, token counts) gets the built-in reply.
import { loadRecording } from "../../test/support/recordings";
import { streamText } from "../../test/support/gateway-harness";
import { responsesObject, responsesStream } from "../../test/support/upstream-responses";
import { builtinReply, type RecordedCall, type Scenario } from "../../test/support/upstream-server";

/** The tool call a client's first turn gets: which of its tools, with which arguments. */
export interface ToolPlan {
  /** Tool names to look for in the request's `tools`, first found wins. */
  names: string[];
  /** Arguments per tool name (JSON-serialised into the stream). */
  args: (name: string) => Record<string, unknown>;
  /** Only requests whose text contains this marker get the tool call (not side requests). */
  marker: string;
}

type Json = Record<string, unknown>;
const asObj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** Splits text into `n` non-empty-ish pieces (the recording's fragment count). */
function split(text: string, n: number): string[] {
  const size = Math.ceil(text.length / Math.max(1, n));
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size));
}

function mapSseData(sse: string, edit: (data: Json, all: Json[]) => Json | undefined): string {
  const blocks = sse.split(/\n\n/).filter((b) => b.trim() !== "");
  const parsed = blocks.map((b) => {
    const line = b.split("\n").find((l) => l.startsWith("data:"));
    const raw = line?.slice(5).trim();
    return raw && raw !== "[DONE]" ? (JSON.parse(raw) as Json) : undefined;
  });
  const all = parsed.filter((p): p is Json => p !== undefined);
  const out: string[] = [];
  blocks.forEach((b, i) => {
    const data = parsed[i];
    if (!data) return void out.push(b);
    const next = edit(data, all);
    if (!next) return;
    const event = b.split("\n").find((l) => l.startsWith("event:"));
    out.push(`${event ? event + "\n" : ""}data: ${JSON.stringify(next)}`);
  });
  return out.join("\n\n") + "\n\n";
}

/** anthropic/tool-use-stream.sse with its tool call renamed and its arguments replaced. */
export function anthropicToolStream(name: string, args: string, model: string): string {
  const sse = loadRecording("anthropic/tool-use-stream.sse");
  const fragments = (sse.match(/input_json_delta/g) ?? []).length;
  const pieces = split(args, fragments);
  let k = 0;
  return mapSseData(sse, (d) => {
    if (d.type === "message_start") return { ...d, message: { ...asObj(d.message), model } };
    if (d.type === "content_block_start" && asObj(d.content_block).type === "tool_use") return { ...d, content_block: { ...asObj(d.content_block), name } };
    if (d.type === "content_block_delta" && asObj(d.delta).type === "input_json_delta") return { ...d, delta: { type: "input_json_delta", partial_json: pieces[k++] ?? "" } };
    return d;
  });
}

/** openai/tool-calls-parallel.sse with only its first call kept, renamed, arguments replaced. */
export function openaiToolStream(name: string, args: string, model: string): string {
  const sse = loadRecording("openai/tool-calls-parallel.sse");
  const callOf = (d: Json) => asObj((asObj(asObj((d.choices as unknown[] | undefined)?.[0]).delta).tool_calls as unknown[] | undefined)?.[0]);
  const fragments = (all: Json[]) => all.filter((d) => callOf(d).index === 0 && typeof asObj(callOf(d).function).arguments === "string" && callOf(d).id === undefined).length;
  let pieces: string[] | undefined;
  let k = 0;
  return mapSseData(sse, (d, all) => {
    pieces ??= split(args, fragments(all));
    const call = callOf(d);
    if (call.index === 1) return undefined; // the recording's second, parallel call
    const edited = { ...d, model };
    if (call.index !== 0) return edited;
    const fn = asObj(call.function);
    const nextFn = call.id !== undefined ? { ...fn, name, arguments: "" } : { ...fn, arguments: pieces[k++] ?? "" };
    const choice = asObj((d.choices as unknown[])[0]);
    return { ...edited, choices: [{ ...choice, delta: { ...asObj(choice.delta), tool_calls: [{ ...call, function: nextFn }] } }] };
  });
}

/** The recorded text stream of the shape, model renamed. */
function textStream(shape: "openai" | "anthropic", model: string): string {
  const sse = loadRecording(`${shape}/text-stream.sse`);
  return mapSseData(sse, (d) => (d.type === "message_start" ? { ...d, message: { ...asObj(d.message), model } } : shape === "openai" ? { ...d, model } : d));
}

/** Which tool the request offers from the plan, if its text carries the marker and no tool result yet. */
function toolToCall(body: Json, plan: ToolPlan): string | undefined {
  const text = JSON.stringify(body);
  if (!text.includes(plan.marker) || hasToolResult(body)) return undefined;
  const offered = new Set(
    ((body.tools as unknown[] | undefined) ?? []).map((t) => {
      const o = asObj(t);
      return (o.name ?? asObj(o.function).name) as string | undefined;
    }),
  );
  return plan.names.find((n) => offered.has(n));
}

function hasToolResult(body: Json): boolean {
  const text = JSON.stringify(body.messages ?? body.input ?? []);
  return /"type":"tool_result"|"role":"tool"|"type":"function_call_output"/.test(text);
}

/** The upstream's default reply for a client run. */
export function clientReplay(plan: ToolPlan): (call: RecordedCall) => Scenario {
  return (call) => {
    const body = asObj(call.body);
    const model = typeof body.model === "string" ? body.model : "upstream-test-model";
    const stream = body.stream === true;
    const tool = toolToCall(body, plan);
    const args = tool ? JSON.stringify(plan.args(tool)) : "";
    if (call.path.endsWith("/messages/count_tokens")) return { status: 200, json: { input_tokens: 12 } };
    if (call.path.endsWith("/responses")) {
      // OpenAI's recorded text as the follow-up, as the chat path replays it (no Responses recording exists in ../shared).
      const o = { model, ...(tool ? { functionCall: { name: tool, arguments: args } } : { text: streamText(loadRecording("openai/text-stream.sse")) }) };
      return stream ? { status: 200, sse: responsesStream(o) } : { status: 200, json: responsesObject(o) };
    }
    if (!stream) return builtinReply(call);
    if (call.path.endsWith("/chat/completions")) return { status: 200, sse: tool ? openaiToolStream(tool, args, model) : textStream("openai", model) };
    if (call.path.endsWith("/messages")) return { status: 200, sse: tool ? anthropicToolStream(tool, args, model) : textStream("anthropic", model) };
    return builtinReply(call);
  };
}
