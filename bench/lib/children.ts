// Child processes of a benchmark, and their guaranteed teardown: every child is started in
// its own process group, so stopping it also stops what it started (wrangler → workerd);
// stopAll() runs on normal exit, on an error, and on SIGINT/SIGTERM.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Child {
  name: string;
  proc: ChildProcess;
  /** Everything it printed so far (stdout + stderr, last 64 KiB), for error messages. */
  output(): string;
  /** Resolves with the first printed line that matches, rejects if the child exits first or after `timeoutMs`. */
  waitForLine(match: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<Child>();
const cleanups = new Set<() => Promise<void>>();
const tempDirs = new Set<string>();

/**
 * Points TMPDIR (for this process and its children) at a fresh dir under the current one,
 * removed at exit: Miniflare keeps its local storage under os.tmpdir() and removes it
 * fire-and-forget on dispose, which an exiting process does not wait for.
 */
export function useScratchTmpdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  process.env.TMPDIR = dir;
  trackTempDir(dir);
  return dir;
}

/** A temp dir to remove at the end, even when the process is ended by a signal. */
export function trackTempDir(dir: string): () => void {
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

/** Starts a process with stdin piped (children that watch stdin exit when we go). */
export function startChild(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Child {
  const proc = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], detached: true, ...opts });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out = (out + d.toString()).slice(-65_536);
    for (const l of listeners) l();
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  proc.stdin?.on("error", () => {});
  const exited = new Promise<void>((done) => proc.once("exit", () => done()));

  const child: Child = {
    name,
    proc,
    output: () => out,
    waitForLine: (match, timeoutMs) =>
      new Promise((ok, fail) => {
        const finish = (err?: Error, line?: string) => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off("exit", onExit);
          if (err) fail(err);
          else ok(line ?? "");
        };
        const check = () => {
          const line = out.split("\n").find((l) => match.test(l));
          if (line !== undefined) finish(undefined, line);
        };
        const onExit = (code: number | null) => finish(new Error(`${name} exited (${code}) before printing ${match}:\n${out.slice(-2000)}`));
        const timer = setTimeout(() => finish(new Error(`${name} printed no ${match} within ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
        listeners.add(check);
        proc.once("exit", onExit);
        check();
      }),
    stop: async () => {
      running.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.stdin?.end();
      signalGroup(proc, "SIGTERM");
      const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!killed) {
        signalGroup(proc, "SIGKILL");
        await Promise.race([exited, sleep(1000)]);
      }
    },
  };
  running.add(child);
  return child;
}

function signalGroup(proc: ChildProcess, signal: NodeJS.Signals) {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal); // the group this child leads (detached: true)
  } catch {
    try {
      proc.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Registers something else to undo at the end (a Miniflare instance, a temp dir). */
export function onCleanup(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Stops every child, then runs every cleanup (so no child writes into a removed dir); safe to call twice. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((c) => c.stop()));
  const work = [...cleanups].map((fn) => fn());
  cleanups.clear();
  await Promise.allSettled(work);
}

/** Runs a command to completion as a tracked child; rejects with its output unless it exits 0. */
export async function runToEnd(name: string, cmd: string, args: string[], opts: SpawnOptions, timeoutMs: number): Promise<string> {
  const child = startChild(name, cmd, args, opts);
  child.proc.stdin?.end();
  const code = await new Promise<number | null>((done) => {
    const timer = setTimeout(() => void child.stop(), timeoutMs);
    child.proc.once("exit", (c) => (clearTimeout(timer), done(c)));
  });
  running.delete(child);
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.output().slice(-1500)}`);
  return child.output();
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping the benchmark's processes…`);
    void stopAll().finally(() => process.exit(130));
  });
}
// Last resort when the process exits without awaiting stopAll() — e.g. Miniflare's own
// SIGINT hook exits right after disposing its runtime: synchronous work only.
process.on("exit", () => {
  for (const c of running) signalGroup(c.proc, "SIGKILL");
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // best effort
    }
  }
});

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A port free on 127.0.0.1 right now (for servers that cannot report the one they got). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** Polls until `url` answers at all (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return;
    } catch {
      // not listening yet
    }
    if (child && child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode}):\n${child.output().slice(-2000)}`);
    if (performance.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms${child ? `:\n${child.output().slice(-2000)}` : ""}`);
    await sleep(100);
  }
}
