// What a benchmark reads about a server process from /proc (Linux): its CPU time and resident
// memory, and which workerd processes Miniflare started for us — so each target's own process
// is charged, whatever else the machine runs. NaN where /proc cannot tell (another OS, a gone pid).
import { readdirSync, readFileSync } from "node:fs";

const TICK = 100; // USER_HZ on Linux

/** CPU seconds used so far by a pid (user + system). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a pid in bytes (VmRSS). */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** workerd processes started by this process (Miniflare spawns them as children). */
export function workerdPids(): number[] {
  const out: number[] = [];
  let dirs: string[] = [];
  try {
    dirs = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  for (const d of dirs) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (Number(stat.split(") ")[1]?.split(" ")[1]) === process.pid && stat.includes("(workerd)")) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** Runs `start` and returns what it returned with the workerd process it started (if exactly one is new). */
export async function withNewWorkerd<T>(start: () => Promise<T>): Promise<{ value: T; pid: number | undefined }> {
  const before = new Set(workerdPids());
  const value = await start();
  const fresh = workerdPids().filter((p) => !before.has(p));
  return { value, pid: fresh.length === 1 ? fresh[0] : undefined };
}
