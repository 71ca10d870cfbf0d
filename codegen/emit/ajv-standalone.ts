import Ajv2020, { type Options } from "ajv/dist/2020";
import standaloneCode from "ajv/dist/standalone";
import { tsHeader } from "./header";

/** A fresh Ajv for code generation: ESM output, every error reported, no format plugins. */
export function newAjv(extra: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({
    code: { source: true, esm: true, lines: false },
    allErrors: true,
    strict: false,
    ...extra,
  });
  // Formats are annotations here (int64, double, …): validated by type and range, not by name.
  for (const f of ["int32", "int64", "double", "float", "uri", "url", "email", "date-time", "uuid"]) ajv.addFormat(f, true);
  return ajv;
}

/**
 * Emits an ES module exporting one validator per name. Ajv's standalone output uses
 * `require()` for a few runtime helpers even in ESM mode; those become imports so the
 * module bundles cleanly into a Worker (which forbids eval and has no require).
 */
export function standaloneModule(ajv: Ajv2020, exports: Record<string, string>): string {
  const raw = standaloneCode(ajv, exports);
  const imports: string[] = [];
  let n = 0;
  const code = raw.replaceAll(/const (\w+) = require\("([^"]+)"\)((?:\.\w+)*);/g, (_m, name: string, mod: string, props: string) => {
    const alias = `__rt${n++}`;
    imports.push(`import * as ${alias} from "${mod}";`);
    return `const ${name} = __cjs(${alias})${props};`;
  });
  if (code.includes("require(")) throw new Error("ajv emitted a require() that could not be turned into an import");
  // Bundlers disagree on what `import * as` of a CommonJS module holds (esbuild in node
  // mode puts module.exports on .default; vite honours __esModule): accept both.
  const interop = imports.length
    ? "const __cjs = (ns) => (ns.default && ns.default.__esModule ? ns.default : ns);\n"
    : "";
  return `${tsHeader()}${imports.join("\n")}${imports.length ? "\n" : ""}${interop}${code.replace(/^"use strict";/, "")}\n`;
}

/** A `.d.ts` companion so TypeScript sees each export as a validator. */
export function standaloneTypes(names: string[]): string {
  const lines = [
    tsHeader(),
    "export interface ValidationError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }",
    "export interface Validator { (data: unknown): boolean; errors?: ValidationError[] | null }",
    ...names.map((n) => `export declare const ${n}: Validator;`),
    "",
  ];
  return lines.join("\n");
}
