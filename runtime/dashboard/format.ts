// Numbers for people on the dashboard: money from micro-dollars ($1,234.56), counts with
// thousands separators, and times as "3 min ago" with the exact UTC time beside it (a
// <time> element whose title holds it). Pure, so the browser test and unit tests can compute
// the same strings from the API's JSON.
import { escapeHtml } from "../connect/html";

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** An integer with thousands separators: 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return GROUPED.format(n);
}

/**
 * Micro-dollars as dollars, exact: whole cents as cents ($1,234.56), anything finer with as
 * many decimals as it needs, up to six ($0.00123, $99.999814), so a small charge never reads
 * as $0.00 and a balance after one is not rounded back up.
 */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(Math.round(micros));
  const dollars = Math.floor(abs / 1_000_000);
  const fraction = String(abs % 1_000_000).padStart(6, "0");
  const decimals = fraction.endsWith("0000") ? fraction.slice(0, 2) : fraction.replace(/0+$/, "");
  return `${sign}$${GROUPED.format(dollars)}.${decimals}`;
}

/** Exact UTC time: "2026-12-07 09:12:03 UTC". */
export function exactTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const UNITS: ReadonlyArray<[limitMs: number, sizeMs: number, unit: string]> = [
  [60 * 60_000, 60_000, "min"],
  [24 * 3_600_000, 3_600_000, "h"],
  [60 * 86_400_000, 86_400_000, "day"],
];

/** "just now", "3 min ago", "5 h ago", "2 days ago", "in 4 h"; beyond 60 days, the date. */
export function relativeTime(ms: number, nowMs: number): string {
  const delta = nowMs - ms;
  const abs = Math.abs(delta);
  if (abs < 60_000) return "just now";
  for (const [limit, size, unit] of UNITS) {
    if (abs < limit) {
      const n = Math.floor(abs / size);
      const label = unit === "day" && n !== 1 ? "days" : unit;
      return delta >= 0 ? `${n} ${label} ago` : `in ${n} ${label}`;
    }
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/** A relative time in a <time> element: machine-readable datetime, the exact time on hover. */
export function timeHtml(ms: number, nowMs: number): string {
  const iso = new Date(ms).toISOString();
  return `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(exactTime(ms))}">${escapeHtml(relativeTime(ms, nowMs))}</time>`;
}
