// npm run gen [-- --check]: spec/ + connectors/ → generated/. See codegen/README.md.
import { join } from "node:path";
import { checkAndRoot } from "./cli-args";
import { CodegenError, formatDiagnostic, type Diagnostic } from "./diagnostics";
import { generate } from "./pipeline";
import { staleFiles, writeFiles } from "./write";

const { check, root } = checkAndRoot("gen");

const line = (step: string, detail: string, ms: number) =>
  console.log(`gen ▸ ${step.padEnd(8)} ${detail} (${ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`})`);

// Catalog lint findings while STRICT_CATALOG_LINT is false: printed, generation goes on.
const warnings: string[] = [];
const warn = (d: Diagnostic) => warnings.push(`warning ${formatDiagnostic(d)}`);

try {
  const files = await generate(root, line, { onWarning: warn });
  process.on("exit", () => {
    if (warnings.length === 0) return;
    for (const w of warnings) console.warn(w);
    console.warn(`gen: ${warnings.length} catalog lint warning(s); they become errors when STRICT_CATALOG_LINT is true (codegen/validate/catalog-lint.ts)`);
  });
  const outDir = join(root, "generated");
  const t0 = performance.now();
  if (check) {
    const stale = await staleFiles(outDir, files);
    line("check", stale.length === 0 ? "generated/ is up to date" : `${stale.length} stale file(s)`, performance.now() - t0);
    if (stale.length > 0) {
      for (const s of stale) console.error(`  stale: generated/${s}`);
      console.error("gen: generated/ does not match spec/ and connectors/ — run `npm run gen` and commit the result.");
      process.exit(1);
    }
  } else {
    const changed = await writeFiles(outDir, files);
    line("write", `${changed} file(s) changed in generated/`, performance.now() - t0);
  }
} catch (e) {
  if (e instanceof CodegenError) {
    for (const d of e.diagnostics) console.error(formatDiagnostic(d));
    console.error(`gen: ${e.diagnostics.length} problem(s); nothing was written.`);
    process.exit(1);
  }
  console.error(`gen: ${(e as Error).message}`);
  process.exit(1);
}
