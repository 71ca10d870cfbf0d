// Where Gatehouse's time goes, against the same upstream as bench:gateway. Two ladders, each
// step adding one piece of work: the floor plus parts of Gatehouse's work (floor-ladder-entry.ts),
// and Gatehouse itself from the router alone up to the full proxy path with parts of its
// billing I/O switched off (profile-entry.ts). Besides latency and throughput it reports the
// CPU each process used — workerd's CPU per request holds up even on a busy machine, where
// throughput does not. Not part of `npm run bench`; run it when bench:gateway misses a target:
//
//   node --import tsx bench/gateway-profile.ts [--seconds=1] [--rounds=3] [--only=<step name part>[,<part>…]]
//   TMPDIR=/dev/shm node --import tsx bench/gateway-profile.ts   # local D1/KV/DO storage on tmpfs
//   node --experimental-websocket --import tsx bench/gateway-profile.ts --cpu [--only=stream]
//     (instead of the ladder: V8 CPU profiles of every workerd isolate under 16 connections,
//      JS self time per request by source file and function; Node 20 needs the flag;
//      --floor=<ladder step> profiles that floor step on streams instead of the native one;
//      --top=<n> lists n functions, 20 by default; --variant=<v> profiles that Gatehouse variant)
//   node --import tsx bench/gateway-profile.ts --compare=<git rev> [--only=Gatehouse full]
//     (A/B: the Gatehouse steps also run from a checkout of <rev> — a git worktree in the
//      scratch dir, sharing node_modules and this checkout's migrations —, as "<rev>: …",
//      taking turns with this checkout's: a change too small to see across runs shows here)
import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { ROOT } from "../test/support/local-worker";
import { freePort, onCleanup, startChild, stopAll, useScratchTmpdir } from "./lib/children";
import { canProfile, profileWhile, top } from "./lib/cpu-profile";
import { cpuSeconds, workerdPids } from "./lib/proc";
import { ascending, percentile, runCell, type HttpTarget } from "./lib/load";
import { startFloorLadder, startProfileWorker } from "./lib/profile-worker";
import { chatBody } from "./lib/targets";

const SECONDS = Number(process.argv.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 1);
/** How many times each ladder step runs, taking turns with the others; figures are over all of them. */
const ROUNDS = Number(process.argv.find((a) => a.startsWith("--rounds="))?.split("=")[1] ?? 3);
const CPU = process.argv.includes("--cpu");
/** With --cpu: how many functions to list. */
const TOP = Number(process.argv.find((a) => a.startsWith("--top="))?.split("=")[1] ?? 20);
/** With --cpu: which floor ladder step to profile on streams (default: the native pass-through). */
const FLOOR_MODE = process.argv.find((a) => a.startsWith("--floor="))?.slice("--floor=".length) ?? "native";
/** With --cpu: which Gatehouse variant to profile (profile-entry.ts; default the Worker as deployed). */
const VARIANT = process.argv.find((a) => a.startsWith("--variant="))?.slice("--variant=".length) ?? "full";
/** A git revision whose Gatehouse runs beside this checkout's, step for step. */
const COMPARE = process.argv.find((a) => a.startsWith("--compare="))?.slice("--compare=".length);

/** A detached worktree of `rev` under `dir`, removed again at the end. */
function checkout(rev: string, dir: string): string {
  const at = join(dir, `rev-${rev.replace(/[^\w.-]/g, "_")}`);
  execFileSync("git", ["-C", ROOT, "worktree", "add", "--detach", at, rev], { stdio: "ignore" });
  onCleanup(async () => {
    try {
      execFileSync("git", ["-C", ROOT, "worktree", "remove", "--force", at], { stdio: "ignore" });
    } catch {
      execFileSync("git", ["-C", ROOT, "worktree", "prune"], { stdio: "ignore" }); // the dir went first
    }
  });
  symlinkSync(join(ROOT, "node_modules"), join(at, "node_modules"));
  return at;
}

type Step = [name: string, target: HttpTarget, modes: boolean[], workerd: number | undefined];

async function main() {
  const scratch = useScratchTmpdir();
  console.log(`load average before: ${loadavg().map((v) => v.toFixed(2)).join(" ")}; temp dir (local storage): ${scratch}`);
  const up = startChild("upstream", process.execPath, ["--import", "tsx", join(ROOT, "bench/lib/upstream-child.ts")], { cwd: ROOT });
  const upstream = (JSON.parse(await up.waitForLine(/^\{"url"/, 20_000)) as { url: string }).url;
  const seen = new Set(workerdPids());
  const fresh = () => {
    const pid = workerdPids().find((p) => !seen.has(p));
    if (pid !== undefined) seen.add(pid);
    return pid;
  };
  if (CPU && !canProfile()) throw new Error("--cpu needs a global WebSocket: run node with --experimental-websocket (Node 20) or use Node ≥ 22");
  const inspect = CPU ? [await freePort(), await freePort()] : [];
  const floor = await startFloorLadder(upstream, inspect[0]);
  onCleanup(() => floor.stop());
  const floorPid = fresh();
  const gh = await startProfileWorker(upstream, inspect[1]);
  onCleanup(() => gh.stop());
  const ghPid = fresh();
  const base = COMPARE ? await startProfileWorker(upstream, undefined, checkout(COMPARE, scratch)) : undefined;
  if (base) onCleanup(() => base.stop());
  const basePid = base ? fresh() : undefined;

  const clock = (await (await fetch(`http://127.0.0.1:${gh.port}/__bench/clock`)).json()) as Record<string, unknown>;
  console.log(`workerd clock around a CPU loop and one KV read: ${JSON.stringify(clock)}`);

  const floorStep = (mode: string, modes: boolean[]): Step => [
    `floor ${mode}`,
    { port: floor.port, path: "/v1/chat/completions", headers: { "x-floor-mode": mode }, body: chatBody("gpt-4o-mini") },
    modes,
    floorPid,
  ];
  const auth = { authorization: `Bearer ${gh.masterKey}` };
  const chat = (variant: string): Step => [
    `Gatehouse ${variant}`,
    { port: gh.port, path: "/v1/chat/completions", headers: { ...auth, "x-bench-variant": variant }, body: chatBody("openai/gpt-4o-mini") },
    [false, true],
    ghPid,
  ];
  const baseChat = (variant: string): Step[] =>
    base
      ? [[
          `${COMPARE}: Gatehouse ${variant}`,
          { port: base.port, path: "/v1/chat/completions", headers: { authorization: `Bearer ${base.masterKey}`, "x-bench-variant": variant }, body: chatBody("openai/gpt-4o-mini") },
          [false, true],
          basePid,
        ]]
      : [];
  const ladder: Step[] = [
    floorStep("hello", [false]),
    floorStep("native", [false, true]),
    floorStep("json-work", [false]),
    floorStep("json-apis", [false]),
    ...["js-pump", "identity-pump", "identity-byob", "identity-nowait", "transform-tap", "tee-tap", "tee-pipe-read", "tee-ts-read", "tee-pipe-tap", "pump-tap"].map((m) => floorStep(m, [true])),
    ["Gatehouse GET /v1/health (router)", { port: gh.port, path: "/v1/health", method: "GET", headers: {}, body: () => "" }, [false], ghPid],
    ["Gatehouse GET /v1/models (auth, key from memory)", { port: gh.port, path: "/v1/models", method: "GET", headers: { ...auth, "x-bench-variant": "no-billing-no-kv" }, body: () => "" }, [false], ghPid],
    ["Gatehouse GET /v1/models (auth, KV key lookup)", { port: gh.port, path: "/v1/models", method: "GET", headers: auth, body: () => "" }, [false], ghPid],
    ...["no-log", "no-db", "no-billing-no-kv", "no-wallet", "no-settle", "no-usage", "full"].flatMap((v) => [...baseChat(v), chat(v)]),
  ];

  if (CPU) {
    const cases: [string, Step, boolean, number, string][] = [
      ["floor, json", floorStep("native", [false]), false, inspect[0] as number, floor.script],
      [`Gatehouse ${VARIANT}, json`, chat(VARIANT), false, inspect[1] as number, gh.script],
      [`floor ${FLOOR_MODE}, stream`, floorStep(FLOOR_MODE, [true]), true, inspect[0] as number, floor.script],
      [`Gatehouse ${VARIANT}, stream`, chat(VARIANT), true, inspect[1] as number, gh.script],
    ];
    const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
    for (const [name, [, t, , pid], stream, port, script] of cases.filter(([n]) => only === undefined || n.includes(only))) {
      let n = 0;
      let cpu = 0;
      const profiles = await profileWhile(port, async () => {
        const c0 = cpuSeconds(pid);
        const r = await runCell(t, stream, 16, { warmupMs: 300, durationMs: SECONDS * ROUNDS * 1000, maxRequests: 100_000 });
        cpu = cpuSeconds(pid) - c0;
        n = r.samples.length;
      }, { "-entry.js": script });
      // Every isolate's sampler also ticks while the thread runs another isolate (as
      // "(program)"), so only the Worker's own named frames are attributed; the process
      // CPU from /proc is the total.
      const user = profiles.find((p) => p.isolate === "core:user:");
      if (!user) continue;
      for (const m of [user.byFile, user.byFunction]) m.delete("(program)");
      const own = [...user.byFile.values()].reduce((a, b) => a + b, 0);
      console.log(`\n== ${name} ×16: ${n} requests; workerd process CPU ${((cpu * 1e6) / n).toFixed(0)} µs/req (warm-up included); the Worker isolate's own JS + API calls ${((own * 1000) / n).toFixed(0)} µs/req`);
      console.log(`  by source file:\n${top(user.byFile, 16, own, n).map((l) => `    ${l}`).join("\n")}`);
      console.log(`  by function:\n${top(user.byFunction, TOP, own, n).map((l) => `    ${l}`).join("\n")}`);
    }
    return;
  }

  const onlySteps = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const head = ["step", "mode", "conn", "p50 ms", "p99 ms", "gw p50", "gw p99", "per s", "workerd µs/req", "workerd CPU", "upstream CPU", "client CPU"];
  // Steps take turns, ROUNDS times each, so a machine that speeds up or slows down over the
  // minutes of a run (seen here: ±30%) moves every step alike instead of the later ones.
  const cells = [1, 16].flatMap((conc) =>
    ladder.filter(([n]) => onlySteps === undefined || onlySteps.split(",").some((part) => n.includes(part))).flatMap(([name, t, modes, pid]) => modes.map((stream) => ({ name, t, stream, conc, pid }))),
  );
  const acc = cells.map(() => ({ n: 0, errors: 0, firstError: undefined as string | undefined, wall: 0, workerd: 0, upstream: 0, client: 0, total: [] as number[], gw: [] as number[] }));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, { name, t, stream, conc, pid }] of cells.entries()) {
      const a = acc[i] as (typeof acc)[number];
      let c0: [number, number, NodeJS.CpuUsage] = [0, 0, process.cpuUsage()];
      let c1: [number, number, NodeJS.CpuUsage] = c0;
      const mark = () => [cpuSeconds(pid), cpuSeconds(up.proc.pid), process.cpuUsage()] as [number, number, NodeJS.CpuUsage];
      const r = await runCell(t, stream, conc, {
        warmupMs: 300,
        durationMs: SECONDS * 1000,
        maxRequests: 100_000,
        onWindow: (edge) => (edge === "start" ? (c0 = mark()) : (c1 = mark())),
      });
      a.n += r.samples.length;
      a.errors += r.errors;
      a.firstError ??= r.firstError;
      a.wall += r.elapsedMs / 1000;
      a.workerd += c1[0] - c0[0];
      a.upstream += c1[1] - c0[1];
      a.client += (c1[2].user + c1[2].system - (c0[2].user + c0[2].system)) / 1e6;
      for (const x of r.samples) {
        a.total.push(x.totalMs);
        if (x.timing.gw !== undefined) a.gw.push(x.timing.gw);
      }
      const perReq = r.samples.length ? (((c1[0] - c0[0]) * 1e6) / r.samples.length).toFixed(0) : "–";
      console.log(`round ${round}/${ROUNDS}  ${name}  ${stream ? "stream" : "json"} ×${conc}: ${((r.samples.length * 1000) / r.elapsedMs).toFixed(0)}/s, workerd ${perReq} µs/req`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  const rows = cells.map(({ name, stream, conc }, i) => {
    const a = acc[i] as (typeof acc)[number];
    const pct = (v: number) => (Number.isNaN(v) ? "–" : `${((v / a.wall) * 100).toFixed(0)}%`);
    const total = ascending(a.total);
    const gw = ascending(a.gw);
    return [
      name, stream ? "stream" : "json", String(conc),
      percentile(total, 50).toFixed(2), percentile(total, 99).toFixed(1),
      gw.length ? String(percentile(gw, 50)) : "–", gw.length ? String(percentile(gw, 99)) : "–",
      (a.n / a.wall).toFixed(0) + (a.errors ? ` (${a.errors} err: ${a.firstError})` : ""),
      a.n ? ((a.workerd * 1e6) / a.n).toFixed(0) : "–",
      pct(a.workerd), pct(a.upstream), pct(a.client),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((v, i) => (i < 3 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join("  ");
  console.log(`\n${line(head)}\n${rows.map(line).join("\n")}`);
  console.log(`load average after: ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
}

main()
  .catch((e: Error) => {
    console.error(`gateway-profile failed: ${e.stack ?? e.message}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
