import { badRequest } from "../errors";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The window `GET /v1/usage` reports when the caller gives no `from_ms`. */
export const DEFAULT_WINDOW_MS = 30 * DAY_MS;

export type GroupBy = "key" | "model" | "day";

export interface UsageWindow {
  from_ms: number;
  to_ms: number;
  /** Which breakdowns to compute. */
  groups: ReadonlySet<GroupBy>;
}

/**
 * Resolves `from_ms` / `to_ms` / `group_by` (already type-checked by the generated query
 * validator) into a concrete window: `to_ms` defaults to now, `from_ms` to 30 days before
 * `to_ms`; `from_ms` after `to_ms` is a 400 naming the parameter. Without `group_by`
 * every breakdown is filled.
 */
export function resolveWindow(query: { from_ms?: number; to_ms?: number; group_by?: GroupBy }, nowMs: number): UsageWindow {
  const to = query.to_ms ?? nowMs;
  const from = query.from_ms ?? Math.max(0, to - DEFAULT_WINDOW_MS);
  // Only a given from_ms can be after to_ms: the default is never.
  if (from > to) {
    const hint = query.to_ms === undefined ? " (to_ms defaults to now)" : "";
    throw badRequest(`query.from_ms (${from}) must not be after query.to_ms (${to})${hint}`, "query.from_ms");
  }
  const groups = new Set<GroupBy>(query.group_by ? [query.group_by] : ["key", "model", "day"]);
  return { from_ms: from, to_ms: to, groups };
}
