// The shared corpus of real recorded provider bodies (../shared/fixtures/upstream/, see its
// SOURCES.md), located from this module so it works from any working directory.
import { existsSync, readFileSync } from "node:fs";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared recorded corpus (real provider bodies), outside this repo. */
export const RECORDINGS_DIR = fileURLToPath(new URL("../../../shared/fixtures/upstream/", import.meta.url));

/** True when ../shared/fixtures/upstream/ exists (it does in CI); replay suites skip otherwise. */
export function recordingsAvailable(): boolean {
  return existsSync(RECORDINGS_DIR);
}

/** The text of a recording, e.g. `loadRecording("openai/text-stream.sse")`. */
export function loadRecording(relPath: string): string {
  const abs = resolve(RECORDINGS_DIR, relPath);
  if (!abs.startsWith(RECORDINGS_DIR.endsWith(sep) ? RECORDINGS_DIR : RECORDINGS_DIR + sep)) {
    throw new Error(`recording path must stay inside ${RECORDINGS_DIR}, got ${relPath}`);
  }
  return readFileSync(abs, "utf8");
}
