// Percentiles and the printed table of the Wallet benchmark.

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), mean };
}

export interface Row {
  label: string;
  n?: number;
  p50?: number;
  p99?: number;
  rate?: number;
  /** Ratio against the row's baseline, measured in the same run. */
  ratio?: number;
  /** What the ratio is against. */
  vs?: string;
}

const ms = (x: number | undefined, sign = false) => (x === undefined ? "" : `${sign && x >= 0 ? "+" : ""}${x.toFixed(2)}`);

export function table(rows: readonly Row[]): string {
  const head = ["measurement", "n", "p50 ms", "p99 ms", "per s", "ratio", "vs"];
  const body = rows.map((r) => [
    r.label,
    r.n === undefined ? "" : String(r.n),
    ms(r.p50, r.label.startsWith("  ")),
    ms(r.p99, r.label.startsWith("  ")),
    r.rate === undefined ? "" : Math.round(r.rate).toString(),
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`,
    r.vs ?? "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
