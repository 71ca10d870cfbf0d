// Writes bench:gateway's latest results into bench/README.md between two markers inside the
// "Gateway" section; the rest of the file (other benches' sections, the prose) is untouched.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../../test/support/local-worker";

const FILE = join(ROOT, "bench/README.md");
const BEGIN = "<!-- bench:gateway results begin (written by npm run bench:gateway) -->";
const END = "<!-- bench:gateway results end -->";

export async function writeResults(markdown: string): Promise<string> {
  let text = "";
  try {
    text = await readFile(FILE, "utf8");
  } catch {
    text = "# bench/\n\nBenchmarks (`npm run bench`), each printing ratios against a baseline measured in the same run.\n";
  }
  const block = `${BEGIN}\n${markdown.trim()}\n${END}`;
  const [b, e] = [text.indexOf(BEGIN), text.indexOf(END)];
  if (b >= 0 && e > b) text = `${text.slice(0, b)}${block}${text.slice(e + END.length)}`;
  else text = `${text.trimEnd()}\n\n## Gateway\n\n${block}\n`;
  await writeFile(FILE, text);
  return FILE;
}
