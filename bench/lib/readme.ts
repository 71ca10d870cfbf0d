// Writes bench:gateway's latest results into bench/gateway.md (the benchmark's own document)
// between two markers; the rest of the file (the prose, older figures) is untouched.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../../test/support/local-worker";

const FILE = join(ROOT, "bench/gateway.md");
const BEGIN = "<!-- bench:gateway results begin (written by npm run bench:gateway) -->";
const END = "<!-- bench:gateway results end -->";

export async function writeResults(markdown: string): Promise<string> {
  let text = "";
  try {
    text = await readFile(FILE, "utf8");
  } catch {
    text = "# bench:gateway\n\nGatehouse against the floor and Portkey (`npm run bench:gateway`).\n";
  }
  const block = `${BEGIN}\n${markdown.trim()}\n${END}`;
  const [b, e] = [text.indexOf(BEGIN), text.indexOf(END)];
  if (b >= 0 && e > b) text = `${text.slice(0, b)}${block}${text.slice(e + END.length)}`;
  else text = `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(FILE, text);
  return FILE;
}
