/** A problem found while loading or validating an input file. */
export interface Diagnostic {
  /** Path relative to the project root. */
  file: string;
  line: number;
  column: number;
  /** JSON path of the offending value, e.g. `$.tools[2].request.path`. */
  jsonPath: string;
  message: string;
  /** How to fix it. */
  hint?: string;
}

export class CodegenError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.length} problem(s) found`);
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const hint = d.hint ? `\n    fix: ${d.hint}` : "";
  return `${where}  ${d.jsonPath}\n    ${d.message}${hint}`;
}

/** JSON path segments → `$.a[0].b` (the form people paste into jq or an editor). */
export function jsonPathOf(segments: readonly (string | number)[]): string {
  let out = "$";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
