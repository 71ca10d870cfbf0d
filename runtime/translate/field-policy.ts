// The translator's per-field policy: the one table of what happens to each request field
// when a request is translated to the other wire shape. The rule it follows: Gatehouse never
// refuses a request the provider behind the model would accept, so a field is
// - map:    carried over to its counterpart;
// - drop:   left out, because the target has no counterpart and leaving it out changes no
//           answer the client can rely on (hints: caching, sampling, server-side context
//           editing, attribution) — unknown fields and unknown content blocks land here;
// - refuse: a 400 naming the field, only where the target provider itself would refuse the
//           request or cannot honour it at all (a tool only Anthropic runs, n answers, audio).
// Parsers read the action from here (`policyFor`, `refuse`), so the table and the behaviour
// cannot drift; test/unit/translate/field-policy.test.ts drives every row through the
// public translate functions.
import { TranslateError } from "./errors";

export type FieldAction = "map" | "drop" | "refuse";

export interface FieldRule {
  /** The field, as a path pattern (`messages[].role=system`, `*` for any other top-level field). */
  field: string;
  action: FieldAction;
  /** Why, in words a caller can act on; the message of the 400 for `refuse` rows. */
  why: string;
  /** Request fields (over a minimal valid request) that exercise the row; used by the tests. */
  example: Record<string, unknown>;
  /** For `map`: a fragment the translated request must contain. */
  expect?: Record<string, unknown>;
}

const userText = (content: unknown) => ({ messages: [{ role: "user", content }] });

/** Anthropic Messages request → Chat Completions (a Claude Code session on an OpenAI-shaped model). */
export const ANTHROPIC_TO_CHAT: readonly FieldRule[] = [
  { field: "model", action: "map", why: "the upstream's model id", example: {}, expect: { model: "m" } },
  { field: "max_tokens", action: "map", why: "the output limit (the gateway clamps it to the model's maximum)", example: { max_tokens: 64000 }, expect: { max_tokens: 64000 } },
  { field: "system", action: "map", why: "system prompt → a leading system message", example: { system: [{ type: "text", text: "S" }] }, expect: { messages: [{ role: "system", content: "S" }, { role: "user", content: "hi" }] } },
  {
    field: "messages[].role=system",
    action: "map",
    why: "Claude Code sends system turns inside messages; they are hoisted into the system prompt, in order",
    example: { messages: [{ role: "user", content: "hi" }, { role: "system", content: "R" }] },
    expect: { messages: [{ role: "system", content: "R" }, { role: "user", content: "hi" }] },
  },
  { field: "metadata.user_id", action: "map", why: "the end user's id → `user`", example: { metadata: { user_id: "u1" } }, expect: { user: "u1" } },
  { field: "metadata.*", action: "drop", why: "other metadata has no Chat Completions counterpart", example: { metadata: { trace: "x" } } },
  { field: "thinking.type=adaptive", action: "drop", why: "model-decided reasoning is what the target does by default; nothing to send", example: { thinking: { type: "adaptive" } } },
  { field: "thinking.type=enabled", action: "map", why: "a thinking budget → `reasoning_effort`", example: { max_tokens: 40000, thinking: { type: "enabled", budget_tokens: 16000 } }, expect: { reasoning_effort: "high" } },
  { field: "thinking.type=<unknown>", action: "drop", why: "a thinking mode this translator does not know leaves reasoning to the model", example: { thinking: { type: "interleaved-v9" } } },
  { field: "thinking.display", action: "drop", why: "how thinking is shown has no effect on the answer", example: { thinking: { type: "adaptive", display: "omitted" } } },
  { field: "output_config.effort", action: "map", why: "→ `reasoning_effort`", example: { output_config: { effort: "high" } }, expect: { reasoning_effort: "high" } },
  { field: "output_config.format", action: "map", why: "→ `response_format` json_schema", example: { output_config: { format: { type: "json_schema", schema: { type: "object" } } } }, expect: { response_format: { type: "json_schema", json_schema: { name: "response", schema: { type: "object" } } } } },
  { field: "output_config.*", action: "drop", why: "other output settings have no counterpart", example: { output_config: { verbosity: "low" } } },
  { field: "context_management", action: "drop", why: "server-side context editing; the target sees the history as sent", example: { context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] } } },
  { field: "cache_control", action: "drop", why: "a caching hint (anywhere: system, blocks, tools); OpenAI-shaped hosts cache on their own", example: { system: [{ type: "text", text: "S", cache_control: { type: "ephemeral" } }], ...userText([{ type: "text", text: "hi", cache_control: { type: "ephemeral", ttl: "1h" } }]) } },
  { field: "top_k", action: "drop", why: "a sampling hint Chat Completions does not have", example: { top_k: 5 } },
  { field: "stop_sequences", action: "map", why: "→ `stop`", example: { stop_sequences: ["X"] }, expect: { stop: ["X"] } },
  { field: "temperature", action: "map", why: "Anthropic's 0–1 fits OpenAI's 0–2", example: { temperature: 1 }, expect: { temperature: 1 } },
  { field: "tools[].type=custom", action: "map", why: "a client tool → a function tool", example: { tools: [{ type: "custom", name: "f", input_schema: { type: "object" } }] }, expect: { tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] } },
  { field: "tools[].<other keys>", action: "drop", why: "tool hints (cache_control, defer_loading, input_examples) have no counterpart", example: { tools: [{ name: "f", input_schema: { type: "object" }, defer_loading: false }] } },
  {
    field: "tools[].type=<server tool>",
    action: "refuse",
    why: "has no Chat Completions equivalent: Anthropic runs this tool on its own servers and no other provider can — remove it to use this model",
    example: { tools: [{ type: "web_search_20250305", name: "web_search" }] },
  },
  { field: "mcp_servers", action: "refuse", why: "has no Chat Completions equivalent: Anthropic's servers call these MCP servers and no other provider can — remove it to use this model", example: { mcp_servers: [{ type: "url", url: "https://mcp.example", name: "x" }] } },
  { field: "messages[].content[].type=thinking", action: "drop", why: "signed thinking is Anthropic's; sent back only with `replayReasoning`", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }, { type: "text", text: "a" }] }] } },
  { field: "messages[].content[].type=redacted_thinking", action: "drop", why: "encrypted for Anthropic only", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "redacted_thinking", data: "x" }, { type: "text", text: "a" }] }] } },
  { field: "messages[].content[].type=image", action: "map", why: "→ an `image_url` part", example: userText([{ type: "image", source: { type: "url", url: "https://x/y.png" } }]), expect: { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }] } },
  { field: "messages[].content[].type=tool_result (array content)", action: "map", why: "→ a tool message (text) and, for images, a following user message", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] }, { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "r" }] }] }] }, expect: { messages: [{ role: "user" }, { role: "assistant" }, { role: "tool", tool_call_id: "t", content: "r" }] } },
  { field: "messages[].content[].citations", action: "drop", why: "citations cannot be produced by other providers; the document is still sent", example: userText([{ type: "document", source: { type: "text", media_type: "text/plain", data: "D" }, citations: { enabled: true } }]), expect: { messages: [{ role: "user", content: "D" }] } },
  { field: "messages[].content[].type=<unknown, with text>", action: "map", why: "a block with text (e.g. `search_result`) is sent as that text", example: userText([{ type: "search_result", source: "s", title: "T", content: [{ type: "text", text: "found" }] }]), expect: { messages: [{ role: "user", content: "found" }] } },
  { field: "messages[].content[].type=<unknown>", action: "drop", why: "a block without text (e.g. `server_tool_use`, `container_upload`) has nothing the target can read", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "server_tool_use", id: "s", name: "web_search", input: {} }, { type: "text", text: "a" }] }] } },
  { field: "messages[].content[].source.type=file", action: "refuse", why: "is an Anthropic file id, which no other provider can read — send the image or document as base64 or a URL", example: userText([{ type: "image", source: { type: "file", file_id: "file_1" } }]) },
  { field: "messages[].content[].type=document (PDF by URL)", action: "refuse", why: "is a PDF by URL; Chat Completions takes documents only inline — send it as base64 application/pdf", example: userText([{ type: "document", source: { type: "url", url: "https://x/y.pdf" } }]) },
  { field: "*", action: "drop", why: "a field the translator does not know (newer API versions, betas) is left out, never an error", example: { some_future_field: { x: 1 } } },
];

/** Chat Completions request → Anthropic Messages (a Codex session on a Claude model). */
export const CHAT_TO_ANTHROPIC: readonly FieldRule[] = [
  { field: "messages[].role=system|developer", action: "map", why: "hoisted into the system prompt, in order", example: { messages: [{ role: "developer", content: "D" }, { role: "user", content: "hi" }] }, expect: { system: "D" } },
  { field: "messages[].reasoning", action: "drop", why: "prior reasoning (Codex sends it) carries no signature, and Anthropic accepts only signed thinking", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "a", reasoning: "r" }] } },
  { field: "messages[].name", action: "drop", why: "a participant name Anthropic has no field for", example: { messages: [{ role: "user", content: "hi", name: "alice" }] } },
  { field: "max_completion_tokens|max_tokens", action: "map", why: "→ `max_tokens` (the larger bound wins in the gateway's worst case)", example: { max_completion_tokens: 100 }, expect: { max_tokens: 100 } },
  { field: "tools[].type=function (flat)", action: "map", why: "a Responses-style function tool (`name` beside `type`) → an Anthropic tool", example: { tools: [{ type: "function", name: "f", parameters: { type: "object" } }] }, expect: { tools: [{ name: "f", input_schema: { type: "object" } }] } },
  { field: "tools[].type=<not function>", action: "refuse", why: "has no Anthropic Messages equivalent: only function tools can be translated — remove it to use this model", example: { tools: [{ type: "custom", custom: { name: "g" } }] } },
  { field: "n", action: "refuse", why: "has no Anthropic Messages equivalent: Anthropic returns one answer per request — send n requests", example: { n: 2 } },
  { field: "temperature", action: "refuse", why: "(Anthropic itself refuses higher values; not clamped, since that would sample differently than asked)", example: { temperature: 1.5 } },
  { field: "presence_penalty|frequency_penalty", action: "drop", why: "sampling hints Anthropic does not have", example: { presence_penalty: 0.5, frequency_penalty: 0.2 } },
  { field: "seed", action: "drop", why: "best-effort determinism even on OpenAI; Anthropic has none", example: { seed: 7 } },
  { field: "logprobs|top_logprobs|logit_bias", action: "drop", why: "the answer comes without logprobs (`null`, as on hosts that do not compute them)", example: { logprobs: true, top_logprobs: 2, logit_bias: { "50256": -100 } } },
  { field: "store|metadata", action: "drop", why: "OpenAI-side storage for evals; no effect on the answer", example: { store: true, metadata: { a: "b" } } },
  { field: "stream_options|prompt_cache_key|prompt_cache_retention", action: "drop", why: "usage is always reported; caching hints", example: { prompt_cache_key: "k" } },
  { field: "modalities", action: "refuse", why: "has no Anthropic Messages equivalent: Anthropic cannot produce audio — ask for [\"text\"]", example: { modalities: ["text", "audio"] } },
  { field: "response_format.type=json_object", action: "refuse", why: "has no Anthropic Messages equivalent: Anthropic constrains output only to a schema — use json_schema", example: { response_format: { type: "json_object" } } },
  { field: "messages[].role=tool (content parts)", action: "map", why: "a tool result's text and images → a tool_result block (Codex sends images of a tool's output this way)", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }, { role: "tool", tool_call_id: "c", content: [{ type: "text", text: "r" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] }] }, expect: { messages: [{ role: "user" }, { role: "assistant" }, { role: "user", content: [{ type: "tool_result", tool_use_id: "c", content: [{ type: "text", text: "r" }, { type: "image", source: { type: "url", url: "https://x/y.png" } }] }] }] } },
  { field: "messages[].content[].type=<unknown, with text>", action: "map", why: "a part with text is sent as that text", example: { messages: [{ role: "user", content: [{ type: "input_text", text: "T" }] }] }, expect: { messages: [{ role: "user", content: "T" }] } },
  { field: "messages[].content[].type=<unknown>", action: "drop", why: "a part without text has nothing Anthropic can read", example: { messages: [{ role: "user", content: [{ type: "text", text: "hi" }, { type: "future_part", ref: "x" }] }] } },
  { field: "messages[].content[].type=input_audio", action: "refuse", why: "has no Anthropic Messages equivalent: Anthropic cannot hear audio — transcribe it first", example: { messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] } },
  { field: "messages[].content[].file.file_id", action: "refuse", why: "is an OpenAI file id, which Anthropic cannot read — send the PDF inline as file_data", example: { messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-1" } }] }] } },
  { field: "messages[].content[].image_url (other types)", action: "refuse", why: "is an image type Anthropic refuses — use jpeg, png, gif or webp", example: { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/svg+xml;base64,PHN2Zz4=" } }] }] } },
  { field: "messages[].role=function", action: "refuse", why: "is the deprecated function-calling form, which Anthropic cannot pair with a call — use tools and tool_calls", example: { messages: [{ role: "function", name: "f", content: "r" }] } },
  { field: "messages[].function_call|audio", action: "refuse", why: "has no Anthropic Messages equivalent (deprecated function calling, audio output) — use tool_calls", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } }] } },
  { field: "messages[].tool_calls[].type=<not function>", action: "refuse", why: "is a tool call Anthropic cannot express, so its result could not be paired with it", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c", type: "local_shell_call", action: {} }] }] } },
  { field: "messages[].tool_calls[].function.arguments", action: "refuse", why: "must be a JSON object: Anthropic takes a tool's input only as one", example: { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "not json" } }] }] } },
  { field: "*", action: "drop", why: "a field the translator does not know (newer API versions, host extensions) is left out, never an error", example: { some_future_field: { x: 1 } } },
];

/** The rule for `field` in `table`. Throws on a field the table does not name (a programming error). */
export function policyFor(table: readonly FieldRule[], field: string): FieldRule {
  const rule = table.find((r) => r.field === field);
  if (rule === undefined) throw new Error(`field policy has no row ${field}`);
  return rule;
}

/** The 400 of a `refuse` row, naming the offending path (e.g. `tools[2].type`). */
export function refuse(table: readonly FieldRule[], field: string, path: string, shown: string = path): TranslateError {
  return new TranslateError(`${shown} ${policyFor(table, field).why}`, path);
}

/** Top-level fields a table refuses whatever their value (e.g. `mcp_servers`). */
export function refuseListed(req: Record<string, unknown>, table: readonly FieldRule[], keys: readonly string[], ignore: readonly string[]): void {
  for (const key of keys) {
    if (req[key] === undefined || req[key] === null || ignore.includes(key)) continue;
    throw refuse(table, key, key);
  }
}
