// When a failed attempt is worth repeating, and how long to wait first. 429 is always safe to
// retry (the vendor did not act); a 5xx only for idempotent methods, since a POST may have
// taken effect before the server failed.

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

export function isRetryableStatus(status: number, method: string): boolean {
  if (status === 429) return true;
  return status >= 500 && status <= 599 && IDEMPOTENT.has(method);
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Exponential backoff (base, 2×base, 4×base…) when the vendor gives no Retry-After. */
export function backoffMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** (attempt - 1);
}
