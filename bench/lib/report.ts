// Turns bench:gateway's measured cells into its one table (text for the terminal, Markdown
// for bench/gateway.md), the Server-Timing gw distribution, the paced mode's table, and the
// verdict on issue 21's targets (every line ✓ or ✗ with its figures).
import { ascending, percentile, type CellResult } from "./load";
import type { PacedResult } from "./paced";
import type { Runtime, TargetId } from "./targets";

export interface Cell {
  id: TargetId;
  runtime: Runtime;
  label: string;
  stream: boolean;
  conc: number;
  result: CellResult;
  /** CPU seconds the serving process used during the measured window (NaN when unknown). */
  cpu: number;
}

export interface Stats {
  n: number;
  errors: number;
  p50: number;
  p99: number;
  ttfbP50: number;
  ttfbP99: number;
  perSecond: number;
  /** Serving process CPU per reply (µs). */
  cpuUs: number;
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
    cpuUs: s.length > 0 ? (c.cpu * 1e6) / s.length : Number.NaN,
    gw: ascending(s.map((x) => x.timing.gw).filter((v): v is number => v !== undefined)),
  };
}

/** A floor of the same runtime (Miniflare for node targets), mode and connections. */
function floorOf(c: Cell, cells: readonly Cell[], id: "floor" | "reading" = "floor"): Cell | undefined {
  const runtime: Runtime = c.runtime === "wrangler dev" ? "wrangler dev" : "miniflare";
  return cells.find((f) => f.id === id && f.runtime === runtime && f.stream === c.stream && f.conc === c.conc);
}

const ms = (v: number) => (Number.isNaN(v) ? "–" : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const us = (v: number) => (Number.isNaN(v) ? "–" : v.toFixed(0));
const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

const HEAD = ["target", "mode", "conn", "p50 ms", "p99 ms", "TTFB p50", "TTFB p99", "throughput", "× floor", "× reading floor", "CPU µs/req", "n", "errors"];

function rows(cells: readonly Cell[]): string[][] {
  return cells.map((c) => {
    const s = stats(c);
    const floor = floorOf(c, cells);
    const reading = c.stream ? floorOf(c, cells, "reading") : undefined;
    const ratio = floor ? s.perSecond / stats(floor).perSecond : Number.NaN;
    const rRatio = reading ? s.perSecond / stats(reading).perSecond : Number.NaN;
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
      Number.isNaN(rRatio) ? "–" : `${rRatio.toFixed(2)}×`,
      us(s.cpuUs),
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
  const rank: TargetId[] = ["direct", "floor", "reading", "gatehouse", "native", "apart", "portkey"];
  const rt: Runtime[] = ["node", "miniflare", "wrangler dev"];
  return [...cells].sort(
    (a, b) =>
      Number(a.stream) - Number(b.stream) || a.conc - b.conc || rt.indexOf(a.runtime === "node" ? "miniflare" : a.runtime) - rt.indexOf(b.runtime === "node" ? "miniflare" : b.runtime) || rank.indexOf(a.id) - rank.indexOf(b.id),
  );
}

const GW_HEAD = ["Gatehouse", "mode", "conn", "gw p50", "gw p90", "gw p99", "gw max", "n"];

function gwRows(cells: readonly Cell[]): string[][] {
  return cells
    .filter((c) => c.id === "gatehouse" || c.id === "native" || c.id === "apart")
    .map((c) => {
      const g = stats(c).gw;
      return [`${c.label} (${c.runtime})`, c.stream ? "stream" : "json", String(c.conc), ms(percentile(g, 50)), ms(percentile(g, 90)), ms(percentile(g, 99)), ms(g.at(-1) ?? Number.NaN), String(g.length)];
    });
}

const PACED_HEAD = ["target", "streams", "CPU µs/stream", "× reading floor", "TTFB p50", "TTFB p99", "TTFB overhead p50", "end p50 ms", "memory/open stream (event ~75)", "(event ~225)", "errors"];

const kib = (b: number) => (Number.isNaN(b) ? "–" : `${(b / 1024).toFixed(1)} KiB`);

function pacedRows(paced: readonly PacedResult[]): string[][] {
  const direct = paced.find((p) => p.id === "direct");
  const reading = paced.find((p) => p.id === "reading");
  return paced.map((p) => [
    p.label,
    String(p.streams),
    us(p.cpuPerStreamUs),
    reading && p.id !== "direct" ? `${(p.cpuPerStreamUs / reading.cpuPerStreamUs).toFixed(2)}×` : "–",
    ms(p.ttfbP50),
    ms(p.ttfbP99),
    direct && p.id !== "direct" ? ms(p.ttfbP50 - direct.ttfbP50) : "–",
    ms(p.totalP50),
    p.id === "direct" ? "–" : kib(p.memEarly),
    p.id === "direct" ? "–" : kib(p.memLate),
    `${p.errors}${p.firstError ? ` (${p.firstError.slice(0, 60)})` : ""}`,
  ]);
}

export function renderText(cells: readonly Cell[], paced: readonly PacedResult[] = []): string {
  const o = ordered(cells);
  const p = paced.length ? `\n\nPaced streams\n${textTable(PACED_HEAD, pacedRows(paced))}` : "";
  return `${textTable(HEAD, rows(o))}\n\nServer-Timing gw (ms; workerd's clock ticks in whole ms)\n${textTable(GW_HEAD, gwRows(o))}${p}`;
}

export function renderMarkdown(cells: readonly Cell[], paced: readonly PacedResult[] = []): string {
  const o = ordered(cells);
  const p = paced.length ? `\n\nPaced streams (see "Paced mode" below):\n\n${markdownTable(PACED_HEAD, pacedRows(paced))}` : "";
  return `${markdownTable(HEAD, rows(o))}\n\n\`Server-Timing: gw\` (ms; workerd's clock ticks in whole ms):\n\n${markdownTable(GW_HEAD, gwRows(o))}${p}`;
}

/** Memory per stream may grow by this much between event ~75 and ~225 and still count as flat (one kept copy of each event would add ≈ 28 KiB). */
export const FLAT_MEMORY_BYTES = 2048;

/** Issue 21's targets; each line starts with ✓ or ✗ and carries its figures. */
export function verdicts(cells: readonly Cell[], paced: readonly PacedResult[] = []): string[] {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const find = (id: TargetId, stream: boolean, conc: number) => cells.find((c) => c.id === id && c.runtime !== "wrangler dev" && c.stream === stream && c.conc === conc);
  const ghs = cells.filter((c) => (c.id === "gatehouse" || c.id === "native") && c.runtime === "miniflare");
  const name = (c: Cell) => `${c.label}, ${c.stream ? "stream" : "json"} ×${c.conc}`;
  const behindPortkey = (a: Stats, b: Stats, cols: ("p50" | "p99" | "perSecond" | "cpuUs")[]) =>
    cols
      .filter((k) => (k === "perSecond" ? a[k] <= b[k] : !(a[k] < b[k])))
      .map((k) => `${k === "perSecond" ? "throughput" : k === "cpuUs" ? "CPU" : k} ${k === "cpuUs" ? us(a[k]) : k === "perSecond" ? rate(a[k]) : ms(a[k])} vs ${k === "cpuUs" ? us(b[k]) : k === "perSecond" ? rate(b[k]) : ms(b[k])}`);

  for (const c of ghs.filter((x) => x.stream)) {
    const reading = find("reading", true, c.conc);
    if (reading) {
      const r = stats(c).perSecond / stats(reading).perSecond;
      out.push(`${mark(r >= 0.9)} streams ≥ 90% of the reading floor's throughput (${name(c)}): ${pct(r)} (${rate(stats(c).perSecond)} vs ${rate(stats(reading).perSecond)} streams/s)`);
    }
    const pk = find("portkey", true, c.conc);
    if (pk) {
      const behind = behindPortkey(stats(c), stats(pk), ["perSecond", "p50", "p99"]);
      out.push(`${mark(behind.length === 0)} streams ahead of Portkey on throughput, p50 and p99 (${name(c)})${behind.length ? `: behind on ${behind.join(", ")}` : ""}`);
    }
  }
  // The Worker's CPU: as shipped locally the measured process also runs the Wallet (its SQLite
  // writes, its copies to D1), which production runs elsewhere; with the Wallet in a second
  // workerd process it does not — the target applies there, as for gw.
  for (const c of cells.filter((x) => !x.stream && x.runtime === "miniflare" && (x.id === "gatehouse" || x.id === "apart"))) {
    const floor = find("floor", false, c.conc);
    if (floor) {
      const [a, f] = [stats(c).cpuUs, stats(floor).cpuUs];
      const how = c.id === "apart" ? "the target: Wallet in a second workerd process" : "for reference: as shipped locally";
      out.push(`${mark(a <= f + 120)} JSON: workerd CPU per request ≤ the floor's + 120 µs (${how}; ${name(c)}): ${us(a)} vs ${us(f)} µs (+${us(a - f)})`);
    }
  }
  for (const c of ghs.filter((x) => !x.stream && x.id === "gatehouse")) {
    const pk = find("portkey", false, c.conc);
    if (pk) {
      const behind = behindPortkey(stats(c), stats(pk), ["p50", "p99", "perSecond", "cpuUs"]);
      out.push(`${mark(behind.length === 0)} JSON: ahead of Portkey in every column (${name(c)})${behind.length ? `: behind on ${behind.join(", ")}` : ""}`);
    }
  }
  for (const c of cells.filter((x) => x.conc === 16 && x.runtime === "miniflare" && (x.id === "gatehouse" || x.id === "apart"))) {
    const g = stats(c).gw;
    const [p50, p99] = [percentile(g, 50), percentile(g, 99)];
    const how = c.id === "apart" ? "the target: Wallet in a second workerd process" : "for reference: as shipped locally, Wallet and D1 simulator on the Worker's thread";
    out.push(`${mark(p50 <= 1 && p99 <= 3)} gw p50 ≤ 1 ms and p99 ≤ 3 ms at 16 connections (${how}; ${name(c)}): p50 ${ms(p50)}, p99 ${ms(p99)}`);
  }
  const reading = paced.find((p) => p.id === "reading");
  const pk = paced.find((p) => p.id === "portkey");
  const direct = paced.find((p) => p.id === "direct");
  for (const p of paced.filter((x) => x.id === "gatehouse" || x.id === "native")) {
    if (reading) {
      const r = p.cpuPerStreamUs / reading.cpuPerStreamUs;
      out.push(`${mark(r <= 1.2)} paced: CPU per stream ≤ 1.2× the reading floor's (${p.label}): ${r.toFixed(2)}× (${us(p.cpuPerStreamUs)} vs ${us(reading.cpuPerStreamUs)} µs)`);
    }
    if (pk && direct) {
      const behind: string[] = [];
      if (!(p.cpuPerStreamUs < pk.cpuPerStreamUs)) behind.push(`CPU ${us(p.cpuPerStreamUs)} vs ${us(pk.cpuPerStreamUs)} µs`);
      if (!(p.ttfbP50 - direct.ttfbP50 < pk.ttfbP50 - direct.ttfbP50)) behind.push(`TTFB overhead ${ms(p.ttfbP50 - direct.ttfbP50)} vs ${ms(pk.ttfbP50 - direct.ttfbP50)} ms`);
      if (!(p.memEarly < pk.memEarly)) behind.push(`memory ${kib(p.memEarly)} vs ${kib(pk.memEarly)}`);
      out.push(`${mark(behind.length === 0)} paced: ahead of Portkey on CPU per stream, TTFB overhead and memory per stream (${p.label})${behind.length ? `: behind on ${behind.join(", ")}` : ""}`);
    }
    const growth = p.memLate - p.memEarly;
    out.push(`${mark(growth <= FLAT_MEMORY_BYTES)} paced: memory flat in the number of events (${p.label}): ${kib(p.memEarly)} per stream at event ~75, ${kib(p.memLate)} at ~225`);
  }
  return out;
}
