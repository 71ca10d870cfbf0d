// Non-streaming upstream error bodies: classify them (for fallback decisions) and
// render them in the client's shape. The HTTP status decides the error class; the
// body supplies the message (and the class when the status is not an error status).
import { errorTypeFromOpenAI, isRetryableType } from "./errors";
import { errorTypeForStatus, openAIErrorType } from "./error-types";
import type { UpstreamError } from "./errors";
import { isRecord, str } from "./json";
import type { WireFormat } from "./wire-format";

function bodyError(from: WireFormat, body: unknown): { type: string | undefined; message: string | undefined } {
  if (!isRecord(body)) return { type: undefined, message: undefined };
  const error = body["error"];
  if (typeof error === "string") return { type: undefined, message: error };
  if (!isRecord(error)) return { type: undefined, message: str(body["message"]) };
  const message = str(error["message"]);
  if (from === "anthropic") return { type: str(error["type"]), message };
  return { type: errorTypeFromOpenAI(error["type"], error["code"], undefined), message };
}

/** Classifies an upstream error response. `body` may be raw text or parsed JSON. */
export function parseUpstreamError(from: WireFormat, status: number, body: unknown): UpstreamError {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const fromBody = bodyError(from, parsed);
  const type = status >= 400 ? errorTypeForStatus(status) : (fromBody.type ?? "api_error");
  const raw = typeof body === "string" ? body.trim() : "";
  const message = fromBody.message ?? (raw !== "" && raw.length <= 500 ? raw : `upstream returned HTTP ${status}`);
  return { type, message, retryable: isRetryableType(type) };
}

/** An error body in the given shape: Anthropic `{type:"error",error}` or OpenAI `{error}`. */
export function renderErrorBody(to: WireFormat, error: { type: string; message: string }): string {
  if (to === "anthropic") {
    return JSON.stringify({ type: "error", error: { type: error.type, message: error.message } });
  }
  return JSON.stringify({
    error: { message: error.message, type: openAIErrorType(error.type), param: null, code: error.type },
  });
}

/** Translates an upstream error response for the client; the status is kept. */
export function translateErrorBody(
  from: WireFormat,
  to: WireFormat,
  status: number,
  body: unknown,
): { status: number; body: string; error: UpstreamError } {
  const error = parseUpstreamError(from, status, body);
  return { status, body: renderErrorBody(to, error), error };
}
