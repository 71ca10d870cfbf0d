// Writes a benchmark's latest results into its own document (bench/<name>.md) between two
// markers; the rest of the file (the prose, older figures) is untouched.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../../test/support/local-worker";

/** `name`: the benchmark (`gateway` → bench/gateway.md, markers naming `npm run bench:gateway`). */
export async function writeResults(markdown: string, name = "gateway"): Promise<string> {
  const file = join(ROOT, `bench/${name}.md`);
  const begin = `<!-- bench:${name} results begin (written by npm run bench:${name}) -->`;
  const end = `<!-- bench:${name} results end -->`;
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch {
    text = `# bench:${name}\n\n(\`npm run bench:${name}\`).\n`;
  }
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const [b, e] = [text.indexOf(begin), text.indexOf(end)];
  if (b >= 0 && e > b) text = `${text.slice(0, b)}${block}${text.slice(e + end.length)}`;
  else text = `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
  return file;
}
