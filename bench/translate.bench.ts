// Translator throughput over the recorded upstream corpus, both directions, against a
// baseline measured in the same run that only JSON.parse's and JSON.stringify's the
// same chunk payloads. Input is fed as bytes, one SSE event per push, as a gateway
// receives it. Run: npm run bench:translate
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStreamTranslator } from "../runtime/translate";
import type { WireFormat } from "../runtime/translate";

/** Seconds per direction (split between translator and baseline). */
const SECONDS_PER_MEASURE = Number(process.env["BENCH_SECONDS"] ?? 4);
const CORPUS = fileURLToPath(new URL("../../shared/fixtures/upstream/", import.meta.url));
const OWN = fileURLToPath(new URL("../fixtures/translate/", import.meta.url));
/** Real OpenAI Responses API streams (fixtures/responses/README.md): always here, in the repository. */
const RESPONSES = fileURLToPath(new URL("../fixtures/responses/", import.meta.url));

interface Recording {
  name: string;
  /** Raw SSE events (with their blank-line terminator), as bytes. */
  events: Uint8Array[];
  /** The JSON payloads of the `data:` lines (the baseline's input). */
  payloads: string[];
}

function listSse(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listSse(join(dir, d.name)) : d.name.endsWith(".sse") && !d.name.endsWith(".golden.sse") ? [join(dir, d.name)] : [],
  );
}

function load(file: string): Recording {
  const encoder = new TextEncoder();
  const text = readFileSync(file, "utf8");
  const events: Uint8Array[] = [];
  const payloads: string[] = [];
  for (const raw of text.split("\n\n")) {
    if (raw.trim() === "") continue;
    events.push(encoder.encode(`${raw}\n\n`));
    for (const line of raw.split("\n")) {
      if (line.startsWith("data:")) {
        const data = line.slice(5).trim();
        if (data !== "[DONE]") payloads.push(data);
      }
    }
  }
  return { name: file, events, payloads };
}

function corpus(): { source: string; openai: Recording[]; anthropic: Recording[]; responses: Recording[] } {
  const fromShared = existsSync(CORPUS);
  const root = fromShared ? CORPUS : OWN;
  const files = listSse(root).filter((f) => {
    // Only complete streams of each shape from our own fixtures when the corpus is absent.
    return fromShared || f.includes("openai-to-anthropic") || f.includes("anthropic-to-openai");
  });
  const isAnthropic = (f: string): boolean =>
    fromShared ? f.slice(root.length).startsWith("anthropic") : f.includes("anthropic-to-openai");
  return {
    source: fromShared ? "../shared/fixtures/upstream (recorded)" : "fixtures/translate (hand-written; recorded corpus absent)",
    openai: files.filter((f) => !isAnthropic(f)).map(load),
    anthropic: files.filter(isAnthropic).map(load),
    responses: listSse(RESPONSES).map(load),
  };
}

let sink = 0;

function translateOnce(from: WireFormat, to: WireFormat, recordings: Recording[]): void {
  for (const r of recordings) {
    const t = createStreamTranslator(from, to, { messageId: "bench", created: 1 });
    for (const e of r.events) sink += t.push(e).length;
    sink += t.end().length;
  }
}

function baselineOnce(recordings: Recording[]): void {
  for (const r of recordings) for (const p of r.payloads) sink += JSON.stringify(JSON.parse(p)).length;
}

/**
 * Runs translator and baseline in alternating slices for the time budget, so both see the
 * same machine load (the ratio stays meaningful on a busy machine); chunks/s from totals.
 */
function compare(label: string, chunks: number, translator: () => void, baseline: () => void): { tr: number; base: number } {
  process.stdout.write(`  ${label}: warming up… `);
  for (let i = 0; i < 300; i++) {
    translator();
    baseline();
  }
  process.stdout.write("measuring… ");
  const budget = SECONDS_PER_MEASURE * 2e9;
  let trNs = 0;
  let baseNs = 0;
  let runs = 0;
  while (trNs + baseNs < budget) {
    const a = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) translator();
    const b = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) baseline();
    const c = process.hrtime.bigint();
    trNs += Number(b - a);
    baseNs += Number(c - b);
    runs += 10;
  }
  const tr = (runs * chunks) / (trNs / 1e9);
  const base = (runs * chunks) / (baseNs / 1e9);
  process.stdout.write(`${Math.round(tr).toLocaleString("en-US")} vs ${Math.round(base).toLocaleString("en-US")} chunks/s\n`);
  return { tr, base };
}

function p99(timings: Float64Array): number {
  const sorted = timings.sort();
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0) / 1000;
}

/** Per-chunk timings (ns) over `rounds` passes; each timing covers one push or one parse+stringify. */
function timeTranslatorChunks(from: WireFormat, to: WireFormat, recordings: Recording[], rounds: number): Float64Array {
  const out: number[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const r of recordings) {
      const t = createStreamTranslator(from, to, { messageId: "bench", created: 1 });
      for (const e of r.events) {
        const a = process.hrtime.bigint();
        sink += t.push(e).length;
        out.push(Number(process.hrtime.bigint() - a));
      }
      sink += t.end().length;
    }
  }
  return Float64Array.from(out);
}

function timeBaselineChunks(recordings: Recording[], rounds: number): Float64Array {
  const out: number[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const r of recordings) {
      for (const p of r.payloads) {
        const a = process.hrtime.bigint();
        sink += JSON.stringify(JSON.parse(p)).length;
        out.push(Number(process.hrtime.bigint() - a));
      }
    }
  }
  return Float64Array.from(out);
}

function row(cells: string[]): string {
  const widths = [20, 8, 14, 12, 14, 12, 8];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
}

function main(): void {
  const { source, openai, anthropic, responses } = corpus();
  const count = (rs: Recording[]): number => rs.reduce((n, r) => n + r.payloads.length, 0);
  console.log(`Translator benchmark: node ${process.version}, corpus ${source}`);
  console.log(`  ${openai.length} OpenAI-shaped streams (${count(openai)} chunks), ${anthropic.length} Anthropic streams (${count(anthropic)} chunks), ${responses.length} Responses API streams (${count(responses)} chunks), ${SECONDS_PER_MEASURE}s per measurement\n`);

  const directions: Array<[string, WireFormat, WireFormat, Recording[]]> = [
    ["openai→anthropic", "openai", "anthropic", openai],
    ["anthropic→openai", "anthropic", "openai", anthropic],
    // The Responses surface: its clients on translated providers, and a Responses upstream read for other clients.
    ["openai→responses", "openai", "responses", openai],
    ["anthropic→responses", "anthropic", "responses", anthropic],
    ["responses→anthropic", "responses", "anthropic", responses],
    ["responses→openai", "responses", "openai", responses],
  ];
  const lines: string[] = [];
  let ok = true;
  for (const [label, from, to, recs] of directions) {
    const chunks = count(recs);
    const rounds = Math.max(20, Math.ceil(20_000 / Math.max(1, chunks)));
    const { tr, base } = compare(label, chunks, () => translateOnce(from, to, recs), () => baselineOnce(recs));
    const trP99 = p99(timeTranslatorChunks(from, to, recs, rounds));
    const baseP99 = p99(timeBaselineChunks(recs, rounds));
    const ratio = base / tr;
    ok &&= ratio <= 2 && tr >= 200_000;
    lines.push(
      row([
        label,
        String(chunks),
        Math.round(tr).toLocaleString("en-US"),
        trP99.toFixed(2),
        Math.round(base).toLocaleString("en-US"),
        baseP99.toFixed(2),
        `${ratio.toFixed(2)}×`,
      ]),
    );
  }
  console.log(`\n${row(["direction", "chunks", "chunks/s", "p99 µs", "baseline/s", "base p99 µs", "ratio"])}`);
  for (const line of lines) console.log(line);
  console.log(`\nratio = translator time per chunk ÷ baseline (JSON.parse + JSON.stringify of the same payload) time per chunk`);
  console.log(`targets: ≥ 200,000 chunks/s and ratio ≤ 2× → ${ok ? "met" : "NOT met"}`);
  if (sink === -1) console.log(""); // keep results observable so nothing is optimized away
}

main();
