// The pass-through relay's SSE framer against a baseline measured in the same run: one
// indexOf scan for LF over the same chunks (the least any framer does: look at each byte
// once). Two inputs: a stream of small events as upstreams send them, and one 4 MiB event
// in 1 KiB pieces (quadratic before the framer carried its scan state across pushes).
// Run: node --import tsx bench/sse-framer.bench.ts
import { createSseFramer } from "../runtime/gateway/sse-framer";
import { sseFromChunks } from "../test/support/upstream-streams";

const enc = new TextEncoder();
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 2);
let sink = 0;

function pieces(text: string, size: number): Uint8Array[] {
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

/** Bytes per second of `once` over `chunks`, run for SECONDS. */
function rate(chunks: Uint8Array[], once: (chunks: Uint8Array[]) => void): number {
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  let rounds = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    once(chunks);
    rounds++;
  }
  return (bytes * rounds) / ((performance.now() - start) / 1000);
}

const framer = (chunks: Uint8Array[]) => {
  const f = createSseFramer(8 * 1024 * 1024);
  for (const c of chunks) sink += f.push(c)?.length ?? 0;
};
const baseline = (chunks: Uint8Array[]) => {
  for (const c of chunks) for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) sink += i;
};

const inputs: [string, Uint8Array[]][] = [
  ["200 small events, 512 B reads", pieces(sseFromChunks("openai", 200), 512)],
  ["one 4 MiB event, 1 KiB reads", pieces(`data: ${"x".repeat(4 * 1024 * 1024)}\n\n`, 1024)],
];
console.log(`SSE framer benchmark: node ${process.version}, ${SECONDS}s per measurement\n`);
console.log(`${"input".padEnd(32)}${"framer MB/s".padStart(14)}${"baseline MB/s".padStart(16)}${"ratio".padStart(9)}`);
for (const [name, chunks] of inputs) {
  const f = rate(chunks, framer);
  const b = rate(chunks, baseline);
  console.log(`${name.padEnd(32)}${(f / 1e6).toFixed(0).padStart(14)}${(b / 1e6).toFixed(0).padStart(16)}${`${(b / f).toFixed(2)}×`.padStart(9)}`);
}
console.log("\nratio = framer time per byte ÷ baseline (one indexOf scan for LF) time per byte");
if (sink === -1) console.log("");
