// Builds the publishable client package (@gatehouse/client) from the generated client.
//
// generated/client/ is written for this repo: extensionless relative imports that only a
// bundler or tsx resolves. The package needs plain ESM that Node (NodeNext), bundlers,
// browsers, Workers, Deno and Bun all load. So this script:
//   1. walks the import graph from generated/client/index.ts (with TypeScript's own import
//      scanner, so comments and strings never count) and refuses any import that is not a
//      relative file: the package has no runtime dependencies and no `node:` built-ins;
//   2. stages those files in a temp dir, each relative import rewritten to its `.js` name;
//   3. compiles them with tsc against the DOM + ES2022 libs only (no @types/node, so a
//      `process` or `Buffer` in the client fails the build) to dist/*.js + dist/*.d.ts;
//   4. checks every emitted import again and copies the root LICENSE next to package.json.
// Run it with `npm run build:sdk` at the root (npm pack runs it as `prepack`).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const PKG = import.meta.dirname;
const ROOT = resolve(PKG, "..");
const ENTRY = join(ROOT, "generated/client/index.ts");
const DIST = join(PKG, "dist");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

/** A relative import's target file, trying what TypeScript would for an extensionless specifier. */
function resolveImport(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(js|ts)$/, "");
  const candidates = [`${stem}.ts`, `${stem}.d.ts`, join(base, "index.ts")];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (!found) throw new Error(`sdk build: ${relative(ROOT, from)} imports "${spec}", which is none of ${candidates.map((c) => relative(ROOT, c)).join(", ")}`);
  return found;
}

/** Each import/export specifier of a file with its position, from TypeScript's scanner. */
function importsOf(text: string): { spec: string; pos: number; end: number }[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => {
    // f.pos is the opening quote; the specifier's characters follow it.
    const pos = f.pos + 1;
    const end = pos + f.fileName.length;
    if (text.slice(pos, end) !== f.fileName) throw new Error(`sdk build: could not locate the import "${f.fileName}" at offset ${f.pos}`);
    return { spec: f.fileName, pos, end };
  });
}

/** Every file the entry reaches, refusing packages and Node built-ins (exported for the sdk-package test). */
export function collect(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { spec } of importsOf(readFileSync(file, "utf8"))) {
      if (!spec.startsWith("./") && !spec.startsWith("../")) {
        throw new Error(
          `sdk build: ${relative(ROOT, file)} imports "${spec}"; the client package has no runtime dependencies and must run without Node built-ins (browsers, Workers, Deno, Bun): use fetch/streams/Web APIs or move the code into generated/client`,
        );
      }
      queue.push(resolveImport(file, spec));
    }
  }
  return [...seen].sort();
}

/** The deepest directory holding every file. */
function commonDir(files: string[]): string {
  let dir = dirname(files[0] as string);
  while (!files.every((f) => f.startsWith(dir + sep))) dir = dirname(dir);
  return dir;
}

/** `./x` style relative path from one staged file to another, with `.js` instead of `.ts`. */
function jsSpecifier(fromStaged: string, toStaged: string): string {
  let rel = relative(dirname(fromStaged), toStaged).split(sep).join("/");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel.replace(/(\.d)?\.ts$/, ".js");
}

function stage(files: string[], srcDir: string): void {
  const root = commonDir(files);
  const stagedOf = (f: string) => join(srcDir, "lib", relative(root, f));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    let out = "";
    let last = 0;
    for (const imp of importsOf(text)) {
      out += text.slice(last, imp.pos) + jsSpecifier(stagedOf(file), stagedOf(resolveImport(file, imp.spec)));
      last = imp.end;
    }
    out += text.slice(last);
    mkdirSync(dirname(stagedOf(file)), { recursive: true });
    writeFileSync(stagedOf(file), out);
  }
  const entry = jsSpecifier(join(srcDir, "index.ts"), stagedOf(ENTRY));
  writeFileSync(join(srcDir, "index.ts"), `// @gatehouse/client: the Gatehouse API client (built from generated/client by sdk/build.ts).\nexport * from "${entry}";\n`);
}

function compile(stageDir: string): void {
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "ES2022",
      moduleResolution: "Bundler",
      // Web platform only: what Node >= 20, browsers, Workers, Deno and Bun all provide.
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      types: [],
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      declaration: true,
      skipLibCheck: false,
      noEmitOnError: true,
      newLine: "lf",
      rootDir: join(stageDir, "src"),
      outDir: DIST,
    },
    include: [join(stageDir, "src")],
  };
  writeFileSync(join(stageDir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const run = spawnSync(process.execPath, [TSC, "-p", join(stageDir, "tsconfig.json")], { encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(`sdk build: tsc failed compiling the client (paths under src/lib/ are generated/<path>; fix the generator, or run "npx tsc --noEmit" to see the same errors in the repo):\n${run.stdout}${run.stderr}`);
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every import in dist is relative, ends in .js and names a file that exists (what NodeNext needs). */
function verify(): string[] {
  const files = walk(DIST);
  for (const file of files) {
    for (const { spec } of importsOf(readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), spec);
      const ok = spec.startsWith(".") && spec.endsWith(".js") && existsSync(target);
      if (!ok) throw new Error(`sdk build: ${relative(PKG, file)} imports "${spec}", which Node's ESM loader cannot resolve inside the package`);
    }
  }
  for (const need of ["index.js", "index.d.ts"]) {
    if (!existsSync(join(DIST, need))) throw new Error(`sdk build: dist/${need} was not emitted`);
  }
  return files;
}

function main(): void {
  if (!existsSync(ENTRY)) throw new Error(`sdk build: ${relative(ROOT, ENTRY)} is missing; run \`npm run gen\` first`);
  const files = collect(ENTRY);
  const stageDir = mkdtempSync(join(tmpdir(), "gatehouse-sdk-"));
  try {
    stage(files, join(stageDir, "src"));
    rmSync(DIST, { recursive: true, force: true });
    compile(stageDir);
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
  }
  const emitted = verify();
  copyFileSync(join(ROOT, "LICENSE"), join(PKG, "LICENSE"));
  const bytes = emitted.reduce((n, f) => n + statSync(f).size, 0);
  console.log(`sdk build: ${files.length} source files → ${emitted.length} files in sdk/dist (${Math.round(bytes / 1024)} KiB)`);
}

// Run as a script (`node --import tsx sdk/build.ts`), not when a test imports collect().
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
