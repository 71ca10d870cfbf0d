import { concatBytes } from "../bytes";
import { ApiError, badRequest } from "../errors";
import { isJsonContentType } from "./content-type";

/** Gatehouse's own routes (and webhooks): their bodies are small. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The gateway surfaces take what the providers take: Anthropic's Messages API accepts 32 MB
 * (long sessions with images exceed 1 MiB). Configurable with GATEWAY_MAX_BODY_BYTES.
 */
export const GATEWAY_MAX_BODY_BYTES = 32 * 1024 * 1024;
/**
 * A refused body up to this much past the limit is read to its end (and dropped) before the
 * 413 goes out: answering while the client is still uploading makes the connection close
 * under it, and most HTTP clients then report a reset instead of the 413. Larger bodies are
 * cut off. Draining keeps nothing, so memory stays bounded by the limit.
 */
const DRAIN_PAST_LIMIT_BYTES = 3 * MAX_BODY_BYTES;
/** Stateless between calls (no `stream` option), so one serves every request. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export interface ReadBodyOptions {
  /** Read the body as JSON whatever its content type (the gateway surfaces: the providers do). */
  anyContentType?: boolean;
  /** The largest body accepted, in bytes (default MAX_BODY_BYTES); one byte more is a 413. */
  maxBytes?: number;
}

/**
 * Reads a JSON body of at most `maxBytes`. A Content-Length over the limit is refused without
 * keeping any of it; a chunked body is counted as it streams, so memory stays bounded.
 * A body sent as anything but JSON is a 415 (read first, so the client hears the answer
 * instead of a reset); no body at all needs no content type. `anyContentType` (the gateway
 * surfaces) reads the body as JSON whatever its label: the providers do, and a client that
 * works against them must work here.
 */
export async function readJsonBody(req: Request, opts: ReadBodyOptions = {}): Promise<unknown> {
  const bytes = await readRawBody(req, opts.maxBytes);
  if (bytes.byteLength === 0) return undefined;
  const type = req.headers.get("content-type");
  if (opts.anyContentType !== true && !isJsonContentType(type)) {
    throw new ApiError(
      "unsupported_media_type",
      `request body must be JSON: send content-type: application/json (got ${type === null ? "no content-type" : JSON.stringify(type.slice(0, 100))})`,
      { param: "header.content-type" },
    );
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw badRequest("request body is not valid UTF-8", "body");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`request body is not valid JSON: ${(e as Error).message}`, "body");
  }
}

/**
 * Bytes read per request: the gateway's worst case is built on what was sent, and same-shape
 * pass-through sends these very bytes (never a re-serialization).
 */
const bodiesRead = new WeakMap<Request, Uint8Array>();

/** How many body bytes readRawBody / readJsonBody read for this request (0 before, or without a body). */
export function bodyByteLength(req: Request): number {
  return bodiesRead.get(req)?.byteLength ?? 0;
}

/** The body's bytes exactly as readRawBody / readJsonBody read them (undefined before). */
export function rawBodyOf(req: Request): Uint8Array | undefined {
  return bodiesRead.get(req);
}

/**
 * The body's exact bytes (empty when there is none), at most `maxBytes`, for callers that must
 * see what was sent byte for byte (webhook signatures are computed over the raw body).
 */
export async function readRawBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<Uint8Array> {
  const bytes = await readRawBodyOnce(req, maxBytes);
  bodiesRead.set(req, bytes);
  return bytes;
}

async function readRawBodyOnce(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  const drainMax = maxBytes + DRAIN_PAST_LIMIT_BYTES;
  if (declared > maxBytes) {
    if (req.body && declared <= drainMax) await drain(req.body.getReader(), 0, drainMax);
    else await req.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!req.body) return new Uint8Array(0);
  // A declared length within the limit is what the runtime will deliver (it enforces the
  // framing): one native read. Without one (chunked), count as it streams.
  if (Number.isSafeInteger(declared)) return new Uint8Array(await req.arrayBuffer());
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader, size, drainMax);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/** Reads and drops the rest of a refused body, up to `drainMax` bytes in all; cancels beyond. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, seen: number, drainMax: number): Promise<void> {
  let size = seen;
  try {
    while (size <= drainMax) {
      const { value, done } = await reader.read();
      if (done) return;
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client gave up first: nothing left to drain
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `request body is larger than ${maxBytes} bytes (${mib(maxBytes)}); send less`, { param: "body" });
}

function mib(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(2))} MiB`;
}
