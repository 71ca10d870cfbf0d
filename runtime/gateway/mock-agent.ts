// mock/agent: a scripted, deterministic agent model for the built-in mock provider, so the
// whole agent loop (issue 17) runs with no provider key. It decides its next move only from
// the conversation it is sent (no hidden state), the way a real model would:
//   user text, meta-tools offered      → qlaud_search_tools {intent: the text's first sentence,
//                                         without its JSON}
//   search results                     → qlaud_multi_execute {calls:[{tool: best hit, args}]}
//                                         when the user's text holds a JSON object (the args),
//                                         else qlaud_get_tool_schemas {tools:[best hit]}
//   schemas                            → qlaud_multi_execute with args built from the schema's
//                                         required fields, overridden by the user's JSON
//   a result carrying a connect_url    → a text reply relaying that URL (the turn ends)
//   user text right after that relay   → the call that got the URL, again ("I connected it")
//   a vendor 5xx failure               → the same call once more, then a text reply with the error
//   any other failure                  → a text reply quoting the error
//   a success                          → a text reply quoting the result; with "repeat=N" in the
//                                         user's text, the same call again until it was made N
//                                         times (at most 50: a turn of many rounds, for bench:agent)
//   user text naming an offered tool   → calls it directly (`linear/create_issue`, its wire form
//                                         `linear__create_issue`, or a plain name such as a client
//                                         tool's), args as above, even beside the meta-tools
//   user text, tools but no meta-tools → calls the first tool (explicit, tenant, client tools)
//   a direct tool's result             → a text reply quoting it (or relaying its connect_url)
//   no tools                           → repeats the user's text, like mock/echo
// Convention for arguments: put one JSON object in the user's text, e.g.
//   Create a Linear ticket {"teamId":"T1","title":"Login broken"}
// The best search hit is the one whose name or description shares the most words with the
// intent (a tool named literally in the text wins), earlier hits first on a tie.
// It works on the OpenAI Chat Completions shape; mock-provider.ts translates Anthropic requests
// to it and renders the plan in either shape, streaming or not.
import type { ChatCompletionRequest } from "../translate";
import type { MockPlan } from "./mock-provider";

export const META_TOOLS = {
  search: "qlaud_search_tools",
  schemas: "qlaud_get_tool_schemas",
  execute: "qlaud_multi_execute",
  connections: "qlaud_manage_connections",
} as const;

/** Words that open the agent's connect relay; the next user text then retries the call. */
export const CONNECT_RELAY = "To do that I need access to your account. Connect it here:";

interface Call {
  id: string;
  name: string;
  arguments: string;
}

interface Message {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

interface Schema {
  properties?: Record<string, { type?: string }>;
  required?: string[];
}

interface ToolDef {
  name: string;
  description: string;
  parameters: Schema | undefined;
}

export function planAgentReply(req: ChatCompletionRequest): MockPlan {
  const messages = (req.messages ?? []) as Message[];
  const tools: ToolDef[] = (req.tools ?? []).map((t) => ({
    name: t.function.name,
    description: t.function.description ?? "",
    parameters: t.function.parameters as Schema | undefined,
  }));
  const round = messages.filter((m) => m.role === "assistant").length;
  const callId = (i: number) => `call_agent_${round}_${i}`;
  const move = nextMove(messages, tools);
  const prompt = Math.max(1, Math.ceil(JSON.stringify(messages).length / 4) + Math.ceil(JSON.stringify(req.tools ?? []).length / 4));
  if (move.kind === "text") {
    const out = Math.max(1, move.text.split(/\s+/).filter(Boolean).length);
    return { text: move.text, toolCalls: [], finish: "stop", usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out } };
  }
  const toolCalls: Call[] = [{ id: callId(0), name: move.name, arguments: JSON.stringify(move.input) }];
  const out = Math.ceil(toolCalls[0]!.arguments.length / 4) + 1;
  return { text: null, toolCalls, finish: "tool_calls", usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out } };
}

type Move = { kind: "text"; text: string } | { kind: "call"; name: string; input: Record<string, unknown> };

function nextMove(messages: readonly Message[], tools: readonly ToolDef[]): Move {
  const names = new Set(tools.map((t) => t.name));
  const meta = names.has(META_TOOLS.search) && names.has(META_TOOLS.execute);
  const last = messages[messages.length - 1];
  const task = lastUserText(messages);
  if (last?.role === "tool") return afterResults(messages, task);
  // Right after relaying a connect URL, the user's next text ("I connected it") repeats the call that asked for it.
  const previous = messages[messages.length - 2];
  const pending = previous?.role === "assistant" && textOf(previous.content).startsWith(CONNECT_RELAY) ? lastCallBefore(messages, messages.length - 2) : null;
  if (pending) return { kind: "call", name: pending.name, input: parseObject(pending.arguments) ?? {} };
  // A tool other than the meta-tools that the text names is called directly (client tools in dynamic mode).
  const named = namedTool(task, tools.filter((t) => !Object.values<string>(META_TOOLS).includes(t.name)));
  if (named) return { kind: "call", name: named.name, input: argsFor(named.parameters, task) };
  if (meta) {
    return { kind: "call", name: META_TOOLS.search, input: { intent: intentOf(task) } };
  }
  if (tools.length > 0) {
    const tool = tools[0]!;
    return { kind: "call", name: tool.name, input: argsFor(tool.parameters, task) };
  }
  return { kind: "text", text: task || "Hello from the Gatehouse mock agent." };
}

/** The move after the tool results that end the conversation (answers to the last assistant's calls). */
function afterResults(messages: readonly Message[], task: string): Move {
  let i = messages.length - 1;
  while (i >= 0 && messages[i]?.role === "tool") i--;
  const asked = messages[i];
  const results = messages.slice(i + 1);
  const call = asked?.tool_calls?.[0];
  const resultText = textOf(results.find((r) => r.tool_call_id === call?.id)?.content ?? results[0]?.content);
  const result = readResult(resultText);
  const name = call?.function.name ?? "";

  if (name === META_TOOLS.search && !result.error) {
    const hits = toolNames(result.value);
    const best = bestHit(hits, task);
    if (!best) return { kind: "text", text: `I found no tool for "${intentOf(task)}".` };
    const args = jsonIn(task);
    if (args) return { kind: "call", name: META_TOOLS.execute, input: { calls: [{ tool: best, args }] } };
    return { kind: "call", name: META_TOOLS.schemas, input: { tools: [best] } };
  }
  if (name === META_TOOLS.schemas && !result.error) {
    const wanted = (parseObject(call?.function.arguments ?? "")?.tools as unknown[] | undefined)?.[0];
    const tool = typeof wanted === "string" ? wanted : (toolNames(result.value)[0]?.tool ?? "");
    return { kind: "call", name: META_TOOLS.execute, input: { calls: [{ tool, args: argsFor(findSchema(result.value), task) }] } };
  }
  const connectUrl = findString(result.value, "connect_url");
  if (connectUrl) return { kind: "text", text: `${CONNECT_RELAY} ${connectUrl} — then tell me when you are done.` };
  const failure = failureOf(result);
  if (failure) {
    if (failure.serverError && call && sameCallsSinceTask(messages, call.function.name, call.function.arguments) < 2) {
      return { kind: "call", name: call.function.name, input: parseObject(call.function.arguments) ?? {} };
    }
    return { kind: "text", text: `The tool failed: ${failure.message}` };
  }
  const repeat = Math.min(50, Number(/\brepeat=(\d+)\b/.exec(task)?.[1] ?? 1));
  if (call && sameCallsSinceTask(messages, call.function.name, call.function.arguments) < repeat) {
    return { kind: "call", name: call.function.name, input: parseObject(call.function.arguments) ?? {} };
  }
  return { kind: "text", text: `Done. ${displayName(name)} returned: ${compact(result.value, resultText)}` };
}

interface ReadResult {
  /** The translator marks an is_error tool_result with an "Error: " prefix. */
  error: boolean;
  value: unknown;
}

function readResult(text: string): ReadResult {
  const error = text.startsWith("Error: ");
  const body = error ? text.slice("Error: ".length) : text;
  try {
    return { error, value: JSON.parse(body) as unknown };
  } catch {
    return { error, value: body };
  }
}

/** A failure anywhere in a result: the is_error flag, or an `ok:false` / `status:"error"` entry. */
function failureOf(result: ReadResult): { message: string; serverError: boolean } | null {
  const failed = findObject(result.value, (o) => o.ok === false || o.status === "error" || o.is_error === true);
  if (!result.error && !failed) return null;
  const source = failed ?? result.value;
  const err = findObject(source, (o) => typeof o.message === "string") ?? {};
  const status = typeof err.status === "number" ? err.status : Number(/\b(5\d\d)\b/.exec(typeof source === "string" ? source : "")?.[1] ?? 0);
  const kind = typeof err.kind === "string" ? err.kind : "";
  const message = typeof err.message === "string" ? err.message : typeof source === "string" ? source : JSON.stringify(source);
  return { message, serverError: kind !== "timeout" && status >= 500 && status <= 599 && status !== 504 };
}

/** How often this exact call was made after the user's last text. */
function sameCallsSinceTask(messages: readonly Message[], name: string, args: string): number {
  let n = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user" && textOf(m.content).trim()) break;
    for (const c of m.tool_calls ?? []) if (c.function.name === name && c.function.arguments === args) n++;
  }
  return n;
}

/** The first tool call of the last assistant message before index `before` that made any. */
function lastCallBefore(messages: readonly Message[], before: number): { name: string; arguments: string } | null {
  for (let i = before - 1; i >= 0; i--) {
    const found = messages[i]?.tool_calls?.[0];
    if (found) return found.function;
  }
  return null;
}

function lastUserText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    const text = textOf(m.content).trim();
    if (text) return text;
  }
  return "";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => (p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("");
}

/** The text's first sentence without its JSON object: what the agent searches for. */
function intentOf(text: string): string {
  const start = text.indexOf("{");
  const plain = (start >= 0 ? text.slice(0, start) : text).trim();
  const sentence = plain.split(/(?<=[.!?])\s/)[0] ?? plain;
  return sentence.replace(/[.!?:,;\s]+$/, "") || plain;
}

/** The first JSON object in the text (from its first `{` to its last `}`), or null. */
function jsonIn(text: string): Record<string, unknown> | null {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  return start >= 0 && end > start ? parseObject(text.slice(start, end + 1)) : null;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Placeholder values for the schema's required fields, overridden by the JSON in the text. */
function argsFor(schema: Schema | undefined, text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema?.required ?? []) {
    const type = schema?.properties?.[name]?.type;
    out[name] = type === "number" || type === "integer" ? 1 : type === "boolean" ? true : type === "array" ? [] : type === "object" ? {} : `sample-${name}`;
  }
  return { ...out, ...(jsonIn(text) ?? {}) };
}

/** Wire names use `__` where catalog names use `/` (linear__create_issue ↔ linear/create_issue). */
const displayName = (wire: string) => wire.replace("__", "/");

/** The tool the text names (in either form), longest name first so `a/bc` beats `a/b`. */
function namedTool(text: string, tools: readonly ToolDef[]): ToolDef | null {
  const lower = text.toLowerCase();
  const byLength = [...tools].sort((a, b) => b.name.length - a.name.length);
  return byLength.find((t) => lower.includes(t.name.toLowerCase()) || lower.includes(displayName(t.name).toLowerCase())) ?? null;
}

interface Hit {
  tool: string;
  description: string;
}

/** Every `{tool: "…"}` entry in a search or schemas result, in document order. */
function toolNames(value: unknown): Hit[] {
  const out: Hit[] = [];
  walk(value, (o) => {
    if (typeof o.tool === "string") out.push({ tool: o.tool, description: typeof o.description === "string" ? o.description : "" });
  });
  return out;
}

function bestHit(hits: readonly Hit[], task: string): string | null {
  const lower = task.toLowerCase();
  const named = hits.find((h) => lower.includes(h.tool.toLowerCase()));
  if (named) return named.tool;
  const words = new Set(intentOf(task).toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2));
  let best: Hit | null = null;
  let bestScore = -1;
  for (const h of hits) {
    const own = new Set(`${h.tool} ${h.description}`.toLowerCase().split(/[^a-z0-9]+/));
    const score = [...words].filter((w) => own.has(w)).length;
    if (score > bestScore) [best, bestScore] = [h, score];
  }
  return best?.tool ?? null;
}

function findSchema(value: unknown): Schema | undefined {
  const found = findObject(value, (o) => typeof o.input_schema === "object" || typeof o.schema === "object" || typeof o.parameters === "object");
  const schema = found?.input_schema ?? found?.schema ?? found?.parameters;
  return schema && typeof schema === "object" ? (schema as Schema) : undefined;
}

function findString(value: unknown, key: string): string | null {
  const found = findObject(value, (o) => typeof o[key] === "string");
  return found ? (found[key] as string) : null;
}

function findObject(value: unknown, test: (o: Record<string, unknown>) => boolean): Record<string, unknown> | null {
  let found: Record<string, unknown> | null = null;
  walk(value, (o) => {
    if (!found && test(o)) found = o;
  });
  return found;
}

/** Visits every object in a JSON value, depth first, parents before children. */
function walk(value: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
  } else if (value && typeof value === "object") {
    visit(value as Record<string, unknown>);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

/** A result as the answer quotes it: multi_execute's results' own `content` when they carry it, else the JSON. */
function compact(value: unknown, text: string): string {
  const results = value && typeof value === "object" ? (value as { results?: unknown }).results : undefined;
  const contents = Array.isArray(results) ? results.map((r) => (r && typeof r === "object" ? (r as { content?: unknown }).content : undefined)) : [];
  const quoted = contents.length > 0 && contents.every((c) => typeof c === "string") ? contents.join("\n") : null;
  const s = quoted ?? (typeof value === "string" ? text : JSON.stringify(value));
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}
