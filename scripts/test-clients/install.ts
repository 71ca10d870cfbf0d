// The real clients, installed on demand into .clients/<name>-<version>/ (each its own npm
// prefix, so two Codex versions sit side by side; gitignored, not project dependencies —
// the binaries are hundreds of MB). npm registry only.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../test/support/local-worker";

export interface ClientPackage {
  /** Short name, also the folder prefix: `claude-code`, `codex`. */
  name: string;
  pkg: string;
  version: string;
  /** The executable under node_modules/.bin. */
  bin: string;
}

export const CLIENTS_DIR = join(ROOT, ".clients");

const dirOf = (c: ClientPackage) => join(CLIENTS_DIR, `${c.name}-${c.version}`);

function installedVersion(c: ClientPackage): string | undefined {
  try {
    const json = JSON.parse(readFileSync(join(dirOf(c), "node_modules", c.pkg, "package.json"), "utf8")) as { version?: string };
    return json.version;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    p.once("error", fail);
    p.once("exit", (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

/** Installs the pinned client unless it is already there; returns its executable's path. */
export async function ensureClient(c: ClientPackage, log: (line: string) => void): Promise<string> {
  const dir = dirOf(c);
  if (installedVersion(c) !== c.version) {
    log(`installing ${c.pkg}@${c.version} into ${dir} (once; not a project dependency)…`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }) + "\n");
    // Install scripts stay on: both packages pick their platform binary in one (postinstall).
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel", "error", "--save-exact", `${c.pkg}@${c.version}`], dir);
    const got = installedVersion(c);
    if (got !== c.version) throw new Error(`${c.pkg} is ${got ?? "missing"} after install, expected ${c.version}`);
  }
  return join(dir, "node_modules", ".bin", c.bin);
}
