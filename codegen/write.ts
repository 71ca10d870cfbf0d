import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { ENV_TYPES_IN_GENERATED } from "./env-types";

/** Files in generated/ that another generator writes (`npm run cf-typegen`), so gen neither flags nor removes them. */
const WRITTEN_ELSEWHERE: ReadonlySet<string> = new Set([ENV_TYPES_IN_GENERATED]);

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (!WRITTEN_ELSEWHERE.has(relative(dir, p))) out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** Files whose content on disk differs from what codegen would write, plus stale extras. */
export async function staleFiles(outDir: string, files: Map<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, content] of files) {
    const onDisk = await readFile(join(outDir, path), "utf8").catch(() => undefined);
    if (onDisk !== content) stale.push(onDisk === undefined ? `${path} (missing)` : path);
  }
  for (const path of await listFiles(outDir)) if (!files.has(path)) stale.push(`${path} (not generated any more)`);
  return stale;
}

/** Writes changed files and removes ones codegen no longer produces. Returns what changed. */
export async function writeFiles(outDir: string, files: Map<string, string>): Promise<number> {
  let changed = 0;
  for (const [path, content] of files) {
    const target = join(outDir, path);
    const onDisk = await readFile(target, "utf8").catch(() => undefined);
    if (onDisk === content) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    changed++;
  }
  for (const path of await listFiles(outDir)) {
    if (!files.has(path)) {
      await rm(join(outDir, path));
      changed++;
    }
  }
  return changed;
}
