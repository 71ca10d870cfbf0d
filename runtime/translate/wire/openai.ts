// OpenAI Chat Completions wire shapes: the subset the translator reads and writes.
// Parsers still validate at run time; these types document and check what we emit.

export interface ChatTextPart {
  type: "text";
  text: string;
}

export interface ChatImagePart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

export interface ChatFilePart {
  type: "file";
  file: { file_data?: string; file_id?: string; filename?: string };
}

export type ChatUserContentPart = ChatTextPart | ChatImagePart | ChatFilePart;

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system" | "developer"; content: string | ChatTextPart[]; name?: string }
  | { role: "user"; content: string | ChatUserContentPart[]; name?: string }
  | {
      role: "assistant";
      content?: string | Array<ChatTextPart | { type: "refusal"; refusal: string }> | null;
      tool_calls?: ChatToolCall[];
      refusal?: string | null;
      /** DeepSeek-style reasoning replay; only sent when asked for. */
      reasoning_content?: string;
      name?: string;
    }
  | { role: "tool"; content: string | ChatTextPart[]; tool_call_id: string };

export interface ChatTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type ChatToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } };

export type ChatReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export type ChatResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  user?: string;
  reasoning_effort?: ChatReasoningEffort;
  response_format?: ChatResponseFormat;
  service_tier?: "auto" | "default" | "flex" | "scale" | "priority";
  n?: number;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

/** A non-streaming chat.completion response. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      refusal: string | null;
      tool_calls?: ChatToolCall[];
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: ChatFinishReason | null;
  }>;
  usage?: ChatUsage;
}

export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

/** One `data:` payload of a chat.completion.chunk stream. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      reasoning_content?: string | null;
      tool_calls?: ChatToolCallDelta[];
      refusal?: string | null;
    };
    logprobs?: null;
    finish_reason: ChatFinishReason | null;
  }>;
  usage?: ChatUsage | null;
}

export interface ChatErrorObject {
  message: string;
  type: string | null;
  param: string | null;
  code: string | number | null;
}

export interface ChatErrorBody {
  error: ChatErrorObject;
}
