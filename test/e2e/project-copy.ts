import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

/**
 * A copy of the work tree as a fresh clone would have it (tracked and new files, nothing
 * git-ignored: no .dev.vars, no .wrangler state), sharing node_modules by symlink.
 */
export async function copyProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-e2e-"));
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await cp(join(ROOT, f), join(dir, f)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e; // deleted in the work tree but still tracked
    });
  }
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

export async function removeCopy(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? ok(addr.port) : fail(new Error("no port"))));
    });
  });
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs `npm start -- --port=N` in `dir` and resolves once the ready banner is printed. */
export function npmStart(dir: string, port: number, timeoutMs = 90_000): Promise<Started> {
  return new Promise((ok, fail) => {
    const child = spawn("npm", ["start", "--", `--port=${port}`], {
      cwd: dir,
      env: { ...process.env, FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        try {
          process.kill(-(child.pid as number), "SIGTERM");
        } catch {
          done();
        }
        setTimeout(() => {
          try {
            process.kill(-(child.pid as number), "SIGKILL");
          } catch {
            // already gone
          }
        }, 5000).unref();
      });
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`npm start did not become ready in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes("Gatehouse is running on")) {
        clearTimeout(timer);
        ok({ child, output: () => out, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited with ${code} before it was ready:\n${out}`));
    });
  });
}
