// A bar chart as inline SVG (no scripts, no library): one bar per UTC day of the window,
// days without requests drawn as empty slots so the time axis is true. The SVG is an image
// with a title and description for screen readers; the same numbers are in a table below it.
import { escapeHtml } from "../connect/html";
import { formatUsd } from "./format";

export interface DayValue {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  micros: number;
}

/** Every UTC day from `fromMs` to `toMs` (exclusive), with the given values or zero. */
export function fillDays(values: readonly DayValue[], fromMs: number, toMs: number): DayValue[] {
  const byDay = new Map(values.map((v) => [v.day, v.micros]));
  const out: DayValue[] = [];
  const first = Date.UTC(new Date(fromMs).getUTCFullYear(), new Date(fromMs).getUTCMonth(), new Date(fromMs).getUTCDate());
  for (let t = first; t < toMs; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, micros: byDay.get(day) ?? 0 });
  }
  return out;
}

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 70;
const BOTTOM = 30;
const TOP = 12;

/** The chart's SVG markup: cost per day, the tallest bar's value on the axis. */
export function costChart(days: readonly DayValue[], label: string): string {
  const max = Math.max(0, ...days.map((d) => d.micros));
  const plotW = WIDTH - LEFT - 10;
  const plotH = HEIGHT - BOTTOM - TOP;
  const slot = days.length > 0 ? plotW / days.length : plotW;
  const bars = days
    .map((d, i) => {
      const h = max > 0 ? Math.round((d.micros / max) * plotH * 10) / 10 : 0;
      const x = Math.round((LEFT + i * slot + slot * 0.15) * 10) / 10;
      const y = Math.round((TOP + plotH - h) * 10) / 10;
      const w = Math.max(1, Math.round(slot * 0.7 * 10) / 10);
      return `<rect class="bar" x="${x}" y="${y}" width="${w}" height="${h}"><title>${escapeHtml(`${d.day}: ${formatUsd(d.micros)}`)}</title></rect>`;
    })
    .join("");
  const every = Math.max(1, Math.ceil(days.length / 6));
  const ticks = days
    .map((d, i) => (i % every === 0 ? `<text x="${Math.round(LEFT + i * slot + slot / 2)}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(d.day.slice(5))}</text>` : ""))
    .join("");
  const total = days.reduce((s, d) => s + d.micros, 0);
  const desc = `${days.length} days from ${days[0]?.day ?? "-"} to ${days.at(-1)?.day ?? "-"}; highest ${formatUsd(max)}; total ${formatUsd(total)}.`;
  return (
    `<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="chart-title">${escapeHtml(label)}</title><desc id="chart-desc">${escapeHtml(desc)}</desc>` +
    `<line class="axis" x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - 10}" y2="${TOP + plotH}"/>` +
    `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}"/>` +
    `<text x="${LEFT - 6}" y="${TOP + 10}" text-anchor="end">${escapeHtml(formatUsd(max))}</text>` +
    `<text x="${LEFT - 6}" y="${TOP + plotH}" text-anchor="end">$0</text>` +
    bars +
    ticks +
    `</svg>`
  );
}
