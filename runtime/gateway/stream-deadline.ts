import type { StreamLimits } from "./stream-limits";

export interface StreamDeadline {
  /** Upstream bytes arrived now (once per chunk: a field write, no timer is re-armed). */
  sawBytes(): void;
  stop(): void;
}

/**
 * Calls `expire` with the reason once the upstream has sent nothing for `idleMs`, or the
 * stream has run for `totalMs`. One timer at a time, re-armed only when it fires early
 * (the idle clock was reset by bytes since), so the relay pays nothing per chunk for it.
 */
export function watchStream(limits: StreamLimits, expire: (reason: string) => void, now: () => number = Date.now): StreamDeadline {
  const startedAt = now();
  let lastBytesAt = startedAt;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const t = now();
    const totalLeft = startedAt + limits.totalMs - t;
    const idleLeft = lastBytesAt + limits.idleMs - t;
    if (totalLeft <= 0) return fire(`the upstream stream ran longer than ${limits.totalMs} ms (STREAM_TOTAL_TIMEOUT_MS)`);
    if (idleLeft <= 0) return fire(`the upstream sent nothing for ${limits.idleMs} ms (STREAM_IDLE_TIMEOUT_MS)`);
    timer = setTimeout(check, Math.min(totalLeft, idleLeft));
  };
  const fire = (reason: string) => {
    timer = undefined;
    expire(reason);
  };
  timer = setTimeout(check, Math.min(limits.idleMs, limits.totalMs));
  return {
    sawBytes() {
      lastBytesAt = now();
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
