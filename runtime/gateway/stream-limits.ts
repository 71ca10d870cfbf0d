import { numberVar, type NumericVar } from "../config";

/** How long and how large an upstream answer may be before Gatehouse gives up on it. */
export interface StreamLimits {
  /** No upstream byte for this long ends a stream with an error event (STREAM_IDLE_TIMEOUT_MS). */
  idleMs: number;
  /** A stream still running after this long ends with an error event (STREAM_TOTAL_TIMEOUT_MS). */
  totalMs: number;
  /** The largest single SSE event relayed or parsed (STREAM_MAX_EVENT_BYTES). */
  maxEventBytes: number;
  /** The largest non-streamed answer read (UPSTREAM_MAX_BODY_BYTES). */
  maxBodyBytes: number;
}

/**
 * Defaults: reasoning models may think silently for a minute or two before their first
 * byte; a whole answer may be long (64k output tokens at 40 tokens/s is 27 minutes — the
 * lease's heartbeat keeps its hold alive that long); one event or answer never needs more
 * than a few MiB of memory.
 */
export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  idleMs: 120_000,
  totalMs: 1_800_000,
  maxEventBytes: 4 * 1024 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
};

/**
 * How long a stream is read on for its usage after the client left before its first content:
 * the runtime keeps work alive only ≈ 30 s after a disconnect (waitUntil), so the read stops
 * before and the estimate is billed, instead of the hold when the runtime ends it unsettled.
 */
export const AFTER_HANGUP_MS = 25_000;

const VARS: Record<keyof StreamLimits, NumericVar> = {
  idleMs: "STREAM_IDLE_TIMEOUT_MS",
  totalMs: "STREAM_TOTAL_TIMEOUT_MS",
  maxEventBytes: "STREAM_MAX_EVENT_BYTES",
  maxBodyBytes: "UPSTREAM_MAX_BODY_BYTES",
};

/** The limits as configured; an unset var keeps its default, a bad one fails loudly (runtime/config.ts). */
export function streamLimits(env: Env): StreamLimits {
  const out = { ...DEFAULT_STREAM_LIMITS };
  for (const k of Object.keys(VARS) as (keyof StreamLimits)[]) out[k] = numberVar(env, VARS[k], DEFAULT_STREAM_LIMITS[k]);
  return out;
}
