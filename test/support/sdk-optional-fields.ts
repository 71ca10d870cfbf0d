// The optional top-level properties of a type exported by an installed package, read with the
// TypeScript compiler: lets a test check that a hand-kept extract of an SDK's request type
// still lists every field the installed SDK declares.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "./local-worker";

/** Optional property names of `typeName` exported from `modulePath` (absolute, or relative to the project root). */
export function optionalFieldsOf(modulePath: string, typeName: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "sdk-fields-"));
  const probe = join(dir, "probe.ts");
  const from = modulePath.startsWith("/") ? modulePath : join(ROOT, modulePath);
  writeFileSync(probe, `import type { ${typeName} as T } from ${JSON.stringify(from)};\nexport type Probe = T;\n`);
  try {
    const program = ts.createProgram([probe], {
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
    const checker = program.getTypeChecker();
    const alias = program.getSourceFile(probe)?.statements.find(ts.isTypeAliasDeclaration);
    if (!alias) throw new Error("probe has no type alias");
    const type = checker.getTypeAtLocation(alias.name);
    const props = checker.getPropertiesOfType(type);
    if (props.length === 0) throw new Error(`${typeName} from ${modulePath} resolved to no properties`);
    return props.filter((p) => (p.flags & ts.SymbolFlags.Optional) !== 0).map((p) => p.name).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
