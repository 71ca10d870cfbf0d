/**
 * The one error taxonomy. Errors are values chosen at the edge and rendered in the
 * caller's surface shape; messages say what to fix and never carry stack traces or
 * upstream secrets.
 */
import type { WireFormat } from "../generated/providers/catalog";
import { ERROR_TYPES, type ErrorType } from "./translate/error-types";

export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "conflict"
  | "thread_busy"
  | "not_connected"
  | "payload_too_large"
  | "unsupported_media_type"
  | "insufficient_funds"
  | "cap_exceeded"
  | "rate_limited"
  | "upstream"
  | "overloaded"
  | "internal";

/**
 * The shape an error is rendered in: a gateway surface's (the caller's wire format), or
 * Gatehouse's own `{error:{type,message}}` for its other routes.
 */
export type ErrorShape = WireFormat | "gatehouse";

interface KindInfo {
  /** The error type (Gatehouse and Anthropic shapes); its OpenAI type is in the one table, ERROR_TYPES. */
  type: ErrorType;
  /** When not the type's own status. */
  status?: number;
  /**
   * Sent as `x-should-retry` (read by the official SDKs and ours, which otherwise retry every
   * 409): a name taken or an account not connected stays so, a busy thread frees up.
   */
  shouldRetry?: boolean;
}

const KINDS: Record<ErrorKind, KindInfo> = {
  invalid_request: { type: "invalid_request_error" },
  authentication: { type: "authentication_error" },
  permission: { type: "permission_error" },
  not_found: { type: "not_found_error" },
  conflict: { type: "conflict_error", shouldRetry: false },
  thread_busy: { type: "thread_busy", shouldRetry: true },
  not_connected: { type: "not_connected", shouldRetry: false },
  payload_too_large: { type: "payload_too_large_error" },
  unsupported_media_type: { type: "unsupported_media_type_error" },
  insufficient_funds: { type: "insufficient_funds" },
  cap_exceeded: { type: "cap_exceeded" },
  rate_limited: { type: "rate_limit_error" },
  upstream: { type: "api_error", status: 502 },
  overloaded: { type: "overloaded_error" },
  internal: { type: "api_error" },
};

/** What an error may say besides its kind and message. */
export interface ApiErrorOptions {
  /** The request field at fault (OpenAI's `param`), e.g. `body.max_tokens`. */
  param?: string;
  /** Extra fields merged into the error object (e.g. `needed_micros`). */
  extra?: Record<string, unknown>;
  /** The HTTP status, when not the kind's own (an upstream's 529 passed on). */
  status?: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly param: string | undefined;
  readonly extra: Record<string, unknown> | undefined;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message);
    const info = KINDS[kind];
    this.param = options.param;
    this.extra = options.extra;
    this.status = options.status ?? info.status ?? ERROR_TYPES[info.type].status;
  }
}

export const badRequest = (message: string, param?: string) => new ApiError("invalid_request", message, { param });
export const notFound = (message: string) => new ApiError("not_found", message);

/** The JSON body of an error in the caller's shape. */
export function errorBody(err: ApiError, surface: ErrorShape): unknown {
  const info = KINDS[err.kind];
  switch (surface) {
    case "anthropic":
      return { type: "error", error: { type: info.type, message: err.message, ...err.extra } };
    case "openai":
    case "responses":
      return { error: { message: err.message, type: ERROR_TYPES[info.type].openai, code: info.type, param: err.param ?? null, ...err.extra } };
    case "gatehouse":
      return { error: { type: info.type, message: err.message, ...(err.param ? { param: err.param } : {}), ...err.extra } };
    default: {
      const never: never = surface;
      throw new Error(`unknown surface ${String(never)}`);
    }
  }
}

export function errorResponse(err: ApiError, surface: ErrorShape, headers?: Record<string, string>): Response {
  // A 429 says when to come back, in the body and in the header clients' retry logic reads.
  const retryAfter = err.extra?.["retry_after_seconds"];
  const all: Record<string, string> = typeof retryAfter === "number" ? { ...headers, "retry-after": String(retryAfter) } : { ...headers };
  const shouldRetry = KINDS[err.kind].shouldRetry;
  if (shouldRetry !== undefined) all["x-should-retry"] = String(shouldRetry);
  return Response.json(errorBody(err, surface), { status: err.status, headers: all });
}

/** Anything thrown that is not an ApiError becomes a 500 with no details leaked. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError("internal", "internal error; the request id in x-qlaud-request-id helps us find it");
}
