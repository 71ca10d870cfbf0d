// Options for request translation (what the gateway knows about the target provider).

export interface RequestOptions {
  /** Upstream model id to put in the request. Default: the client's `model`. */
  model?: string;
  /** Top-level request fields to ignore instead of rejecting (gateway policy). */
  ignoreFields?: readonly string[];
}

export interface ToOpenAIOptions extends RequestOptions {
  /** Which field carries the output limit. Default "max_tokens" (widest support);
   *  OpenAI's reasoning models and Azure need "max_completion_tokens". */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** Send prior thinking back as `reasoning_content` (DeepSeek-style). Default false:
   *  Chat Completions providers discard or reject replayed reasoning. */
  replayReasoning?: boolean;
}

export interface ToAnthropicOptions extends RequestOptions {
  /** max_tokens when the client set none (Anthropic requires it). Default 4096; a
   *  thinking budget derived from reasoning_effort is added on top. */
  defaultMaxTokens?: number;
}
