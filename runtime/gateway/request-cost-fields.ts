// Every documented request field of each surface, classified by what it can do to the cost
// of a request: nothing (neutral), or raise it — and by how much, so the worst case that is
// held before forwarding stays an upper bound (worst-case.ts reads this table; the rules are
// summarised in README.md). A field not listed here still passes through unchanged, and the
// request is reserved at the pessimistic bound (see worst-case.ts).
import type { WireFormat } from "../../generated/providers/catalog";

export type FieldRule =
  | { effect: "neutral"; why: string }
  /** An output limit: the bound takes the largest one present; one limit is forwarded in all of them. */
  | { effect: "output_limit" }
  /** OpenAI `n`: that many choices, each up to the output limit. */
  | { effect: "choices" }
  /** Priced at the tier asked for (catalog `priority` prices). */
  | { effect: "service_tier" }
  /** Conversation content: media, files and URLs (see contentParts) bring input we cannot size from the body; `cache_control` prices input as cache writes. */
  | { effect: "content" }
  /** Tool definitions: provider-run tools (catalog `server_tools`) bill per use and feed results back as input. */
  | { effect: "tools" }
  /** A field that switches a provider-run tool on (its fee is the catalog's `server_tools` entry of that type). */
  | { effect: "server_tool"; type: string }
  /** OpenRouter's fallback list: any listed model may answer, so the dearest one is reserved. */
  | { effect: "fallback_models" }
  /** Predicted output: rejected prediction tokens are billed as output on top of the reply. */
  | { effect: "prediction" }
  /** Brings content the body does not show (audio, remote tool output, files): the whole context window is reserved. */
  | { effect: "whole_context"; why: string };

export type FieldTable = Readonly<Record<string, FieldRule>>;

const neutral = (why: string): FieldRule => ({ effect: "neutral", why });
const SAMPLING = neutral("sampling setting: shapes the reply, bounded by the output limit");
const LIMITING = neutral("can only make the reply shorter");
const TAGGING = neutral("metadata for the provider, not billed");

/** Anthropic Messages (`POST /v1/messages`). */
const anthropic: FieldTable = {
  model: neutral("picks the candidates; each is priced at its own catalog price"),
  messages: { effect: "content" },
  system: { effect: "content" },
  max_tokens: { effect: "output_limit" },
  tools: { effect: "tools" },
  tool_choice: neutral("chooses among the tools, which are priced apart"),
  service_tier: { effect: "service_tier" },
  thinking: neutral("thinking tokens count within max_tokens"),
  stop_sequences: LIMITING,
  stream: neutral("same tokens, streamed"),
  temperature: SAMPLING,
  top_k: SAMPLING,
  top_p: SAMPLING,
  metadata: TAGGING,
  context_management: neutral("only clears context"),
  output_format: neutral("constrains the reply's shape within max_tokens"),
  output_config: neutral("effort and format within max_tokens"),
  container: { effect: "whole_context", why: "a code-execution container's files are read into context" },
  mcp_servers: { effect: "whole_context", why: "remote MCP tool results come back as input" },
};

/** OpenAI Chat Completions (`POST /v1/chat/completions`), with OpenRouter's extensions. */
const openai: FieldTable = {
  model: neutral("picks the candidates; each is priced at its own catalog price"),
  messages: { effect: "content" },
  max_tokens: { effect: "output_limit" },
  max_completion_tokens: { effect: "output_limit" },
  n: { effect: "choices" },
  service_tier: { effect: "service_tier" },
  tools: { effect: "tools" },
  functions: { effect: "tools" },
  web_search_options: { effect: "server_tool", type: "web_search" },
  prediction: { effect: "prediction" },
  audio: { effect: "whole_context", why: "audio output is billed at audio token rates the catalog does not list" },
  modalities: { effect: "whole_context", why: "[\"audio\"] asks for audio output" },
  tool_choice: neutral("chooses among the tools, which are priced apart"),
  function_call: neutral("chooses among the functions, which are priced apart"),
  parallel_tool_calls: neutral("more calls in one reply, bounded by the output limit"),
  response_format: neutral("constrains the reply's shape within the output limit"),
  reasoning_effort: neutral("reasoning tokens count within max_completion_tokens"),
  verbosity: neutral("reply length within the output limit"),
  stop: LIMITING,
  stream: neutral("same tokens, streamed"),
  stream_options: neutral("only asks for the usage chunk"),
  temperature: SAMPLING,
  top_p: SAMPLING,
  frequency_penalty: SAMPLING,
  presence_penalty: SAMPLING,
  logit_bias: SAMPLING,
  seed: SAMPLING,
  logprobs: neutral("log-probabilities of tokens already billed"),
  top_logprobs: neutral("log-probabilities of tokens already billed"),
  user: TAGGING,
  safety_identifier: TAGGING,
  metadata: TAGGING,
  store: neutral("stored completions are not billed"),
  prompt_cache_key: neutral("OpenAI cache writes cost plain input"),
  prompt_cache_retention: neutral("OpenAI cache writes cost plain input"),
  // OpenRouter
  models: { effect: "fallback_models" },
  route: neutral("`fallback` only says how `models` is used, which is priced"),
  provider: neutral("host preferences: OpenRouter bills the catalog's models at the same price on every host"),
  plugins: { effect: "server_tool", type: "web_search" },
  transforms: LIMITING,
  reasoning: neutral("reasoning tokens count within the output limit"),
  usage: neutral("only asks for usage accounting"),
  top_k: SAMPLING,
  top_a: SAMPLING,
  min_p: SAMPLING,
  repetition_penalty: SAMPLING,
};

/** OpenAI Responses (`POST /v1/responses`). */
const responses: FieldTable = {
  model: neutral("picks the candidates; each is priced at its own catalog price"),
  input: { effect: "content" },
  instructions: { effect: "content" },
  max_output_tokens: { effect: "output_limit" },
  service_tier: { effect: "service_tier" },
  tools: { effect: "tools" },
  // OpenAI reads the stored turns (or conversation, or prompt template) into the input: the body does not show their size.
  previous_response_id: { effect: "whole_context", why: "the stored conversation it names is read as input" },
  conversation: { effect: "whole_context", why: "the stored conversation's items are read as input" },
  prompt: { effect: "whole_context", why: "a stored prompt template is read as input" },
  tool_choice: neutral("chooses among the tools, which are priced apart"),
  parallel_tool_calls: neutral("more calls in one reply, bounded by the output limit"),
  max_tool_calls: LIMITING,
  reasoning: neutral("reasoning tokens count within max_output_tokens"),
  text: neutral("format and verbosity within the output limit"),
  truncation: LIMITING,
  include: neutral("returns parts of what is already billed"),
  stream: neutral("same tokens, streamed"),
  stream_options: neutral("only shapes the stream"),
  temperature: SAMPLING,
  top_p: SAMPLING,
  top_logprobs: neutral("log-probabilities of tokens already billed"),
  store: neutral("stored responses are not billed"),
  background: neutral("same tokens, run in the background"),
  metadata: TAGGING,
  user: TAGGING,
  safety_identifier: TAGGING,
  prompt_cache_key: neutral("OpenAI cache writes cost plain input"),
  prompt_cache_retention: neutral("OpenAI cache writes cost plain input"),
};

/** One table per surface. */
export const requestFields: Readonly<Record<WireFormat, FieldTable>> = {
  anthropic,
  openai,
  responses,
};

/**
 * Content parts by `type`, on both surfaces, inside messages and system (tool results
 * included). `text` is sized by the body's bytes; `media` brings input the body does not
 * show (an image by URL, a PDF's pages, audio), so the whole context window is reserved.
 * A part type not listed counts as media.
 */
export const contentParts: Readonly<Record<string, "text" | "media">> = {
  text: "text",
  // Responses API input items and parts (an `item_reference` is not listed: it brings stored content).
  message: "text",
  input_text: "text",
  output_text: "text",
  summary_text: "text",
  reasoning_text: "text",
  reasoning: "text",
  function_call: "text",
  function_call_output: "text",
  custom_tool_call: "text",
  custom_tool_call_output: "text",
  input_image: "media",
  input_file: "media",
  tool_use: "text",
  tool_result: "text",
  thinking: "text",
  redacted_thinking: "text",
  refusal: "text",
  function: "text",
  server_tool_use: "text",
  search_result: "text",
  image: "media",
  document: "media",
  image_url: "media",
  input_audio: "media",
  file: "media",
  container_upload: "media",
  web_search_tool_result: "media",
  web_fetch_tool_result: "media",
};

/** Tool definitions that are the caller's own functions: priced as the text they are. */
export const CLIENT_TOOL_TYPES: ReadonlySet<string> = new Set(["custom", "function"]);
