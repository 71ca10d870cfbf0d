// The one error-type table: every error type Gatehouse speaks (Anthropic's vocabulary, which
// the IR uses, plus Gatehouse's own), its HTTP status and its OpenAI `type`. The translator
// reads it to classify and render upstream errors; runtime/errors.ts reads it to render
// Gatehouse's own errors; the mock provider reads it to write its failures. Say it once here.

interface ErrorTypeInfo {
  status: number;
  /** The OpenAI error `type` this renders as (OpenAI's own vocabulary where it has one). */
  openai: string;
  /** True for the types only Gatehouse raises: an upstream status never maps to them. */
  gatehouseOnly?: true;
}

export const ERROR_TYPES = {
  invalid_request_error: { status: 400, openai: "invalid_request_error" },
  authentication_error: { status: 401, openai: "invalid_request_error" },
  billing_error: { status: 402, openai: "billing_error" },
  insufficient_funds: { status: 402, openai: "insufficient_quota", gatehouseOnly: true },
  cap_exceeded: { status: 402, openai: "insufficient_quota", gatehouseOnly: true },
  permission_error: { status: 403, openai: "invalid_request_error" },
  not_found_error: { status: 404, openai: "invalid_request_error" },
  conflict_error: { status: 409, openai: "invalid_request_error", gatehouseOnly: true },
  thread_busy: { status: 409, openai: "invalid_request_error", gatehouseOnly: true },
  not_connected: { status: 409, openai: "invalid_request_error", gatehouseOnly: true },
  request_too_large: { status: 413, openai: "invalid_request_error" },
  payload_too_large_error: { status: 413, openai: "invalid_request_error", gatehouseOnly: true },
  unsupported_media_type_error: { status: 415, openai: "invalid_request_error", gatehouseOnly: true },
  rate_limit_error: { status: 429, openai: "rate_limit_exceeded" },
  api_error: { status: 500, openai: "server_error" },
  timeout_error: { status: 504, openai: "server_error" },
  overloaded_error: { status: 529, openai: "server_error" },
} as const satisfies Record<string, ErrorTypeInfo>;

export type ErrorType = keyof typeof ERROR_TYPES;

/** Statuses whose type is not the first table row with that status. */
const STATUS_TYPES: Readonly<Record<number, ErrorType>> = { 408: "timeout_error", 503: "overloaded_error" };

const BY_STATUS: ReadonlyMap<number, ErrorType> = new Map(
  (Object.entries(ERROR_TYPES) as [ErrorType, ErrorTypeInfo][])
    .filter(([, info]) => info.gatehouseOnly !== true)
    .reverse() // the first row with a status wins
    .map(([type, info]) => [info.status, type]),
);

/** The error type for an upstream's HTTP status (an unknown status: by its class). */
export function errorTypeForStatus(status: number): ErrorType {
  return STATUS_TYPES[status] ?? BY_STATUS.get(status) ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The OpenAI error `type` for an error type of this table; a type from elsewhere is kept as it is. */
export function openAIErrorType(type: string): string {
  return Object.hasOwn(ERROR_TYPES, type) ? ERROR_TYPES[type as ErrorType].openai : type;
}
