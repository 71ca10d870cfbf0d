// Temporary copies of the project, so codegen tests run the real generator and CLI
// without touching spec/, connectors/ or generated/ in the working tree.
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(fileURLToPath(import.meta.url), "../../../..");
export const FIXTURES = join(REPO, "fixtures/manifests");

/**
 * Copies `parts` of the project into a fresh temp dir, with node_modules symlinked.
 * Copying codegen/ (and package.json, for `"type": "module"`) pins the generator for the
 * whole test file, so edits made to the working tree mid-run cannot make one gen run
 * disagree with the next.
 */
export async function makeTempProject(
  parts: readonly string[] = ["package.json", "codegen", "spec", "connectors", "generated"],
  opts: { connectors?: readonly string[] } = {},
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "gatehouse-codegen-test-"));
  for (const p of parts) await cp(join(REPO, p), join(root, p), { recursive: true });
  // A test about the generator, not the catalog, keeps a few manifests: every gen run of the copy
  // then takes about half the time of one over all 105. Its first gen brings generated/ in line.
  if (opts.connectors !== undefined) {
    const keep = new Set(opts.connectors.map((id) => `${id}.yaml`));
    for (const f of await readdir(join(root, "connectors"))) if (f.endsWith(".yaml") && !keep.has(f)) await rm(join(root, "connectors", f));
  }
  // TypeSpec resolves @typespec/* libraries from node_modules beside spec/; tsc needs types.
  await symlink(join(REPO, "node_modules"), join(root, "node_modules"), "dir");
  return root;
}

export async function removeTempProject(root: string | undefined): Promise<void> {
  if (root) await rm(root, { recursive: true, force: true });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output (never rejects on a non-zero exit). */
export function run(command: string, args: readonly string[], cwd = REPO): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** The CLI behind `npm run gen` (the temp project's copy of codegen/cli.ts), run from the repo like npm does. */
export function runGen(root: string, ...args: string[]): Promise<RunResult> {
  return run(process.execPath, ["--import", "tsx", join(root, "codegen/cli.ts"), `--root=${root}`, ...args]);
}

/** Every file under `dir` (relative path → bytes as latin1 text), for before/after comparisons. */
export async function snapshotDir(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), (await readFile(p)).toString("latin1"));
    }
  };
  await walk(dir);
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** 1-based line of the `nth` line containing `needle`; throws when there is none. */
export function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).includes(needle) && ++seen === nth) return i + 1;
  }
  throw new Error(`fixture has no line #${nth} containing ${JSON.stringify(needle)}`);
}

/** 1-based column of `needle` on 1-based `line`. */
export function columnOf(text: string, line: number, needle: string): number {
  const at = (text.split("\n")[line - 1] ?? "").indexOf(needle);
  if (at < 0) throw new Error(`line ${line} does not contain ${JSON.stringify(needle)}`);
  return at + 1;
}
