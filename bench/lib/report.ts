// Turns bench:gateway's measured cells into its one table (text for the terminal, Markdown
// for bench/gateway.md), the Server-Timing gw distribution, and the verdict on the targets.
import { ascending, percentile, type CellResult } from "./load";
import type { Runtime, TargetId } from "./targets";

export interface Cell {
  id: TargetId;
  runtime: Runtime;
  label: string;
  stream: boolean;
  conc: number;
  result: CellResult;
}

export interface Stats {
  n: number;
  errors: number;
  p50: number;
  p99: number;
  ttfbP50: number;
  ttfbP99: number;
  perSecond: number;
  gw: number[];
}

export function stats(c: Cell): Stats {
  const s = c.result.samples;
  const total = ascending(s.map((x) => x.totalMs));
  const ttfb = ascending(s.map((x) => x.ttfbMs));
  return {
    n: s.length,
    errors: c.result.errors,
    p50: percentile(total, 50),
    p99: percentile(total, 99),
    ttfbP50: percentile(ttfb, 50),
    ttfbP99: percentile(ttfb, 99),
    perSecond: c.result.elapsedMs > 0 ? (s.length * 1000) / c.result.elapsedMs : 0,
    gw: ascending(s.map((x) => x.timing.gw).filter((v): v is number => v !== undefined)),
  };
}

/** The floor a row is compared with: the pass-through Worker in the same runtime (Miniflare for node targets). */
function floorOf(c: Cell, cells: readonly Cell[]): Cell | undefined {
  const runtime: Runtime = c.runtime === "wrangler dev" ? "wrangler dev" : "miniflare";
  return cells.find((f) => f.id === "floor" && f.runtime === runtime && f.stream === c.stream && f.conc === c.conc);
}

const ms = (v: number) => (Number.isNaN(v) ? "–" : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

const HEAD = ["target", "mode", "conn", "p50 ms", "p99 ms", "TTFB p50", "TTFB p99", "throughput", "× floor", "n", "errors"];

function rows(cells: readonly Cell[]): string[][] {
  return cells.map((c) => {
    const s = stats(c);
    const floor = floorOf(c, cells);
    const ratio = floor ? s.perSecond / stats(floor).perSecond : Number.NaN;
    return [
      c.label,
      c.stream ? "stream" : "json",
      String(c.conc),
      ms(s.p50),
      ms(s.p99),
      c.stream ? ms(s.ttfbP50) : "–",
      c.stream ? ms(s.ttfbP99) : "–",
      `${rate(s.perSecond)} ${c.stream ? "streams/s" : "req/s"}`,
      Number.isNaN(ratio) ? "–" : `${ratio.toFixed(2)}×`,
      String(s.n),
      String(s.errors),
    ];
  });
}

function textTable(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((v, i) => (i < 3 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join("  ");
  return [line(head), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function markdownTable(head: string[], body: string[][]): string {
  const align = head.map((_, i) => (i < 3 ? "---" : "---:"));
  return [head, align, ...body].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** Cells in reading order: mode, then connections, then target. */
export function ordered(cells: readonly Cell[]): Cell[] {
  const rank: TargetId[] = ["direct", "floor", "gatehouse", "portkey"];
  const rt: Runtime[] = ["node", "miniflare", "wrangler dev"];
  return [...cells].sort(
    (a, b) =>
      Number(a.stream) - Number(b.stream) || a.conc - b.conc || rt.indexOf(a.runtime === "node" ? "miniflare" : a.runtime) - rt.indexOf(b.runtime === "node" ? "miniflare" : b.runtime) || rank.indexOf(a.id) - rank.indexOf(b.id),
  );
}

const GW_HEAD = ["Gatehouse", "mode", "conn", "gw p50", "gw p90", "gw p99", "gw max", "n"];

function gwRows(cells: readonly Cell[]): string[][] {
  return cells
    .filter((c) => c.id === "gatehouse")
    .map((c) => {
      const g = stats(c).gw;
      return [c.runtime, c.stream ? "stream" : "json", String(c.conc), ms(percentile(g, 50)), ms(percentile(g, 90)), ms(percentile(g, 99)), ms(g.at(-1) ?? Number.NaN), String(g.length)];
    });
}

export function renderText(cells: readonly Cell[]): string {
  const o = ordered(cells);
  return `${textTable(HEAD, rows(o))}\n\nServer-Timing gw (ms; workerd's clock ticks in whole ms)\n${textTable(GW_HEAD, gwRows(o))}`;
}

export function renderMarkdown(cells: readonly Cell[]): string {
  const o = ordered(cells);
  return `${markdownTable(HEAD, rows(o))}\n\n\`Server-Timing: gw\` (ms; workerd's clock ticks in whole ms):\n\n${markdownTable(GW_HEAD, gwRows(o))}`;
}

/** Checks the issue's targets; each line starts with ✓ or ✗. */
export function verdicts(cells: readonly Cell[]): string[] {
  const out: string[] = [];
  const find = (id: TargetId, runtime: Runtime, stream: boolean, conc: number) =>
    cells.find((c) => c.id === id && c.runtime === runtime && c.stream === stream && c.conc === conc);
  const gh = cells.filter((c) => c.id === "gatehouse" && c.runtime === "miniflare");
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  for (const c of gh) {
    const g = stats(c).gw;
    const [p50, p99] = [percentile(g, 50), percentile(g, 99)];
    const where = `${c.stream ? "stream" : "json"} ×${c.conc}`;
    out.push(`${mark(p50 <= 1 && p99 <= 3)} gw p50 ≤ 1 ms and p99 ≤ 3 ms (${where}): p50 ${ms(p50)}, p99 ${ms(p99)}`);
  }
  for (const c of gh) {
    const floor = find("floor", "miniflare", c.stream, c.conc);
    if (!floor) continue;
    const r = stats(c).perSecond / stats(floor).perSecond;
    out.push(`${mark(r >= 0.8)} Gatehouse ≥ 80% of the floor's throughput (${c.stream ? "stream" : "json"} ×${c.conc}): ${(r * 100).toFixed(0)}%`);
  }
  for (const c of gh) {
    const pk = find("portkey", "node", c.stream, c.conc);
    if (!pk) continue;
    const [a, b] = [stats(c), stats(pk)];
    const cols: [string, number, number, boolean][] = [
      ["p50", a.p50, b.p50, false],
      ["p99", a.p99, b.p99, false],
      ...(c.stream ? ([["TTFB p50", a.ttfbP50, b.ttfbP50, false], ["TTFB p99", a.ttfbP99, b.ttfbP99, false]] as [string, number, number, boolean][]) : []),
      ["throughput", a.perSecond, b.perSecond, true],
    ];
    const behind = cols.filter(([, x, y, higherIsBetter]) => (higherIsBetter ? x <= y : x >= y)).map(([name, x, y]) => `${name} ${ms(x)} vs ${ms(y)}`);
    out.push(`${mark(behind.length === 0)} Gatehouse ahead of Portkey in every column (${c.stream ? "stream" : "json"} ×${c.conc})${behind.length ? `: behind on ${behind.join(", ")}` : ""}`);
  }
  return out;
}
