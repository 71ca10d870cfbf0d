import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic } from "../diagnostics";

/** A parsed YAML file that can point back at the line and column of any JSON path. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line and column of the node at `segments` (or of its nearest existing parent). */
  position(segments: readonly (string | number)[]): { line: number; column: number };
  /** The leading `# yaml-language-server: $schema=…` value, if present. */
  schemaComment: string | undefined;
}

export async function loadYaml(absPath: string, relPath: string): Promise<YamlSource | Diagnostic> {
  const text = await readFile(absPath, "utf8");
  return parseYaml(text, relPath);
}

export function parseYaml(text: string, relPath: string): YamlSource | Diagnostic {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    return {
      file: relPath,
      line: pos.line,
      column: pos.col,
      jsonPath: "$",
      message: `YAML syntax error: ${first.message.split("\n")[0]}`,
      hint: "fix the YAML syntax (indentation, quoting, duplicate keys)",
    };
  }
  const firstLine = text.split("\n", 1)[0] ?? "";
  const prefix = "# yaml-language-server: $schema=";
  return {
    file: relPath,
    value: doc.toJS({ maxAliasCount: 50 }),
    schemaComment: firstLine.startsWith(prefix) ? firstLine.slice(prefix.length).trim() : undefined,
    position: (segments) => {
      const node = nearestNode(doc, segments);
      const offset = node?.range?.[0] ?? 0;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

function nearestNode(doc: Document, segments: readonly (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      // Point at the key when the value is missing or a collection, so the line is the key's.
      node = pair.value;
      found = (isScalar(pair.value) ? pair.value : (pair.key as Node)) ?? found;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
      found = item as Node;
    } else {
      break;
    }
  }
  return found;
}
