// Runs the operator CLI (`scripts/admin.ts`, or `npm run -s admin --` like the README says) as a
// child process against a Gatehouse at `url`, and collects its exit code and output.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runAdminCli(args: string[], opts: { url: string; adminToken: string; env?: Record<string, string>; viaNpm?: boolean }): Promise<CliRun> {
  const [cmd, argv] = opts.viaNpm === true
    ? ["npm", ["run", "-s", "admin", "--", ...args]]
    : [process.execPath, ["--import", "tsx", join(ROOT, "scripts/admin.ts"), ...args]];
  return new Promise((done, fail) => {
    const child = spawn(cmd, argv, {
      cwd: ROOT,
      env: { ...process.env, GATEHOUSE_URL: opts.url, ADMIN_TOKEN: opts.adminToken, NO_COLOR: "1", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", fail);
    child.on("exit", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
