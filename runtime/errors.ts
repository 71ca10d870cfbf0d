/**
 * The one error taxonomy. Errors are values chosen at the edge and rendered in the
 * caller's surface shape; messages say what to fix and never carry stack traces or
 * upstream secrets.
 */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "insufficient_funds"
  | "cap_exceeded"
  | "rate_limited"
  | "upstream"
  | "overloaded"
  | "internal";

/** Which API shape the caller speaks; errors are rendered in it. */
export type Surface = "gatehouse" | "anthropic" | "openai";

interface KindInfo {
  status: number;
  /** Gatehouse / Anthropic error type. */
  type: string;
  /** OpenAI error type. */
  openai: string;
}

const KINDS: Record<ErrorKind, KindInfo> = {
  invalid_request: { status: 400, type: "invalid_request_error", openai: "invalid_request_error" },
  authentication: { status: 401, type: "authentication_error", openai: "invalid_request_error" },
  permission: { status: 403, type: "permission_error", openai: "invalid_request_error" },
  not_found: { status: 404, type: "not_found_error", openai: "invalid_request_error" },
  conflict: { status: 409, type: "conflict_error", openai: "invalid_request_error" },
  payload_too_large: { status: 413, type: "payload_too_large_error", openai: "invalid_request_error" },
  unsupported_media_type: { status: 415, type: "unsupported_media_type_error", openai: "invalid_request_error" },
  insufficient_funds: { status: 402, type: "insufficient_funds", openai: "insufficient_quota" },
  cap_exceeded: { status: 402, type: "cap_exceeded", openai: "insufficient_quota" },
  rate_limited: { status: 429, type: "rate_limit_error", openai: "rate_limit_error" },
  upstream: { status: 502, type: "api_error", openai: "api_error" },
  overloaded: { status: 529, type: "overloaded_error", openai: "server_error" },
  internal: { status: 500, type: "api_error", openai: "server_error" },
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly param?: string,
    /** Extra fields merged into the error object (e.g. `needed_micros`). */
    readonly extra?: Record<string, unknown>,
    status?: number,
  ) {
    super(message);
    this.status = status ?? KINDS[kind].status;
  }
}

export const badRequest = (message: string, param?: string) => new ApiError("invalid_request", message, param);
export const notFound = (message: string) => new ApiError("not_found", message);

/** The JSON body of an error in the caller's shape. */
export function errorBody(err: ApiError, surface: Surface): unknown {
  const info = KINDS[err.kind];
  switch (surface) {
    case "anthropic":
      return { type: "error", error: { type: info.type, message: err.message, ...err.extra } };
    case "openai":
      return { error: { message: err.message, type: info.openai, code: info.type, param: err.param ?? null, ...err.extra } };
    case "gatehouse":
      return { error: { type: info.type, message: err.message, ...(err.param ? { param: err.param } : {}), ...err.extra } };
    default: {
      const never: never = surface;
      throw new Error(`unknown surface ${String(never)}`);
    }
  }
}

export function errorResponse(err: ApiError, surface: Surface, headers?: Record<string, string>): Response {
  // A 429 says when to come back, in the body and in the header clients' retry logic reads.
  const retryAfter = err.extra?.["retry_after_seconds"];
  const all = typeof retryAfter === "number" ? { ...headers, "retry-after": String(retryAfter) } : headers;
  return Response.json(errorBody(err, surface), { status: err.status, headers: all });
}

/** Anything thrown that is not an ApiError becomes a 500 with no details leaked. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError("internal", "internal error; the request id in x-qlaud-request-id helps us find it");
}
