// Errors the translator raises, and how an OpenAI-shaped error names its type (the
// status ⇄ type ⇄ OpenAI type table itself is error-types.ts).
import { errorTypeForStatus } from "./error-types";

/** The client's request cannot be expressed in the target shape. Message says what to fix. */
export class TranslateError extends Error {
  readonly status = 400 as const;
  readonly type = "invalid_request_error" as const;
  readonly param: string | undefined;
  constructor(message: string, param?: string) {
    super(message);
    this.name = "TranslateError";
    this.param = param;
  }
}

/** The upstream's (non-streaming) response is not what its API promises. */
export class UpstreamFormatError extends Error {
  readonly status = 502 as const;
  readonly type = "api_error" as const;
  constructor(message: string) {
    super(message);
    this.name = "UpstreamFormatError";
  }
}

/** An error the upstream reported, as the gateway needs it to decide on fallback. */
export interface UpstreamError {
  /** Anthropic error type: overloaded_error, rate_limit_error, api_error, ... */
  type: string;
  message: string;
  /** True when trying another provider is sensible: a transient error before any content. */
  retryable: boolean;
}

const RETRYABLE_TYPES: ReadonlySet<string> = new Set([
  "overloaded_error",
  "rate_limit_error",
  "api_error",
  "timeout_error",
]);

export function isRetryableType(type: string): boolean {
  return RETRYABLE_TYPES.has(type);
}

const OPENAI_CODE_TO_TYPE: Readonly<Record<string, string>> = {
  invalid_request_error: "invalid_request_error",
  invalid_api_key: "authentication_error",
  authentication_error: "authentication_error",
  permission_error: "permission_error",
  insufficient_quota: "rate_limit_error",
  rate_limit_exceeded: "rate_limit_error",
  rate_limit_error: "rate_limit_error",
  tokens: "rate_limit_error",
  requests: "rate_limit_error",
  server_error: "api_error",
  overloaded: "overloaded_error",
  overloaded_error: "overloaded_error",
  not_found_error: "not_found_error",
  model_not_found: "not_found_error",
  context_length_exceeded: "invalid_request_error",
  content_filter: "invalid_request_error",
};

/**
 * The Anthropic error type for an OpenAI-shaped error object. A numeric code (OpenRouter
 * puts the HTTP status there) or the response status wins over the free-form type/code.
 */
export function errorTypeFromOpenAI(type: unknown, code: unknown, status: number | undefined): string {
  if (typeof code === "number" && code >= 400) return errorTypeForStatus(code);
  if (typeof code === "string") {
    const byCode = OPENAI_CODE_TO_TYPE[code];
    if (byCode !== undefined) return byCode;
  }
  if (typeof type === "string") {
    const byType = OPENAI_CODE_TO_TYPE[type];
    if (byType !== undefined) return byType;
  }
  if (status !== undefined && status >= 400) return errorTypeForStatus(status);
  return "api_error";
}
