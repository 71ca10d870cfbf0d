import { readFileSync } from "node:fs";
import { isPair, stem, SYNONYMS, terms, words } from "../templates/search-terms";
import type { ManifestView, ToolView } from "../validate/manifest-view";
import { jsonRows, lookupRows } from "./compact-literal";
import { tsHeader } from "./header";
import { LOOKUP_TABLE_IMPORT } from "./shared";

/**
 * `generated/connectors/search-index.ts`: the catalog search index, scored here so a query at
 * run time only looks up its terms and sums integers. BM25F over each tool's fields (the
 * connector's name and the tool's name weigh most); the text rules (words, stems) are
 * codegen/templates/search-terms.ts (copied to generated/connectors/search-terms.ts), which the query side uses too. MCP connectors have no static
 * tools (theirs are discovered per connection) and are not indexed.
 */

/** Field weights: a vendor's or a tool's name says more than a sentence about it. */
const FIELDS = {
  vendor: { weight: 3, b: 0 },
  tool: { weight: 3, b: 0 },
  verb: { weight: 1.5, b: 0 },
  pairs: { weight: 1, b: 0 },
  description: { weight: 1.5, b: 0.75 },
  categories: { weight: 1, b: 0 },
  vendor_description: { weight: 0.75, b: 0.75 },
  inputs: { weight: 0.5, b: 0.5 },
} as const;
type Field = keyof typeof FIELDS;

/** BM25 saturation: the third mention of a word adds little. */
const K1 = 1.2;
/** Scores are stored as integers, score × SCALE (compact, and exact to compare). */
export const SEARCH_SCORE_SCALE = 1000;

interface Doc {
  connector: string;
  tool: ToolView;
  fields: Record<Field, string[]>;
}

/** Stemmed one-word synonyms of each word (from SYNONYMS), for the verbs of tool names. */
const ONE_WORD_MATES: ReadonlyMap<string, readonly string[]> = (() => {
  const out = new Map<string, string[]>();
  for (const group of SYNONYMS) {
    const singles = group.filter((m) => !m.includes(" ") && !m.includes("-")).map((m) => stem(words(m)[0] ?? m));
    for (const w of singles) out.set(w, [...new Set(singles.filter((x) => x !== w))]);
  }
  return out;
})();

/**
 * A tool's verb and its other words (create_meeting → creat, new, add, open, schedul, book), so an intent
 * that says the action another way ("schedule a meeting") meets the tool whose name states it,
 * a little below the name's own words.
 */
function verbMates(toolName: string): string[] {
  const verb = stem(toolName.split("_")[0] ?? "");
  return [...new Set([verb, ...(ONE_WORD_MATES.get(verb) ?? []), ...(LIST_MATES.get(verb) ?? [])])];
}

/**
 * A tool name's words after its verb (create_invoice → invoic): what the tool acts on, which tells
 * tools apart far better than the verb ("get … stats" should find query_stats before get_site).
 * The verb itself goes to the verb field, with its other words.
 */
function objectWords(toolName: string): string[] {
  const words = single(toolName);
  return words.length < 2 ? words : words.slice(1);
}

/**
 * Verbs an intent uses for a tool's verb that are kept out of SYNONYMS (the query side), where
 * they would pull too much: listing answers a "find" or "show me"; texting, emailing or
 * messaging someone is sending.
 */
const LIST_MATES: ReadonlyMap<string, readonly string[]> = new Map([
  ["list", ["find", "search", "show", "lookup"].map(stem)],
  ["send", ["text", "email", "message", "dm"].map(stem)],
]);

/** The single-word terms of a text (no word pairs). */
function single(text: string): string[] {
  return terms(text).filter((t) => !isPair(t));
}

/** A vendor's words for itself: its id ("help-scout") and its name without a parenthesis. */
function vendorNames(m: ManifestView): string[][] {
  const id = terms(m.id.replace(/-/g, " "));
  const name = terms(m.name.replace(/\(.*?\)/g, " ").toLowerCase());
  return JSON.stringify(id) === JSON.stringify(name) || name.length === 0 ? [id] : [id, name];
}

function docsOf(manifests: readonly ManifestView[]): Doc[] {
  const sorted = [...manifests].filter((m) => m.auth.mode !== "mcp").sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.flatMap((m) =>
    m.tools.map((tool) => ({
      connector: m.id,
      tool,
      fields: {
        vendor: [...new Set([...terms(m.id.replace(/-/g, " ")), ...terms(m.name.replace(/\(.*?\)/g, " "))])],
        // Only names keep their word pairs (create_invoice, help_scout): a pair in free text says little.
        tool: objectWords(tool.name),
        pairs: terms(tool.name).filter(isPair),
        verb: verbMates(tool.name),
        description: single(tool.description),
        categories: single(m.categories.join(" ")),
        vendor_description: single(m.description),
        inputs: single(Object.keys(tool.input_schema.properties ?? {}).join(" ")),
      },
    })),
  );
}

/** Per term, per tool: BM25F score. Postings are in tool order. */
function scoreTerms(docs: readonly Doc[]): Map<string, [tool: number, score: number][]> {
  const names = Object.keys(FIELDS) as Field[];
  const avg = Object.fromEntries(names.map((f) => [f, docs.reduce((n, d) => n + d.fields[f].length, 0) / Math.max(1, docs.length) || 1])) as Record<Field, number>;
  const tf = docs.map((d) => {
    const acc = new Map<string, number>();
    for (const f of names) {
      const { weight, b } = FIELDS[f];
      const norm = 1 - b + (b * d.fields[f].length) / avg[f];
      for (const t of d.fields[f]) acc.set(t, (acc.get(t) ?? 0) + weight / norm);
    }
    return acc;
  });
  // Document frequency from the tools' own words: a verb's other words (the verb field) are added
  // to every tool with that verb, and counting them would make "place" as common as "create".
  const df = new Map<string, number>();
  const own = new Map<string, number>();
  docs.forEach((d, i) => {
    for (const t of tf[i]?.keys() ?? []) df.set(t, (df.get(t) ?? 0) + 1);
    for (const t of new Set(names.filter((f) => f !== "verb").flatMap((f) => d.fields[f]))) own.set(t, (own.get(t) ?? 0) + 1);
  });
  for (const [t, n] of own) df.set(t, n);
  const out = new Map<string, [number, number][]>();
  for (const t of [...df.keys()].sort()) {
    const n = df.get(t) ?? 0;
    const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
    const postings: [number, number][] = [];
    tf.forEach((acc, i) => {
      const x = acc.get(t);
      if (x !== undefined) postings.push([i, Math.max(1, Math.round(((idf * x * (K1 + 1)) / (x + K1)) * SEARCH_SCORE_SCALE))]);
    });
    out.set(t, postings);
  }
  return out;
}

export function emitConnectorSearch(manifests: readonly ManifestView[]): Record<string, string> {
  const docs = docsOf(manifests);
  const flags = (t: ToolView) => (t.annotations?.read_only ? 1 : 0) | (t.annotations?.destructive ? 2 : 0);
  const tools = docs.map((d) => [d.connector, d.tool.name, d.tool.description, flags(d.tool)]);
  const postings = [...scoreTerms(docs)].map(([t, p]) => [t, p.flat()] as const);
  const vendors = [...new Set(docs.map((d) => d.connector))].map((id) => [id, vendorNames(manifests.find((m) => m.id === id) as ManifestView)] as const);
  const source = `${tsHeader()}${LOOKUP_TABLE_IMPORT}

/** Scores below are integers: the BM25F score × this. */
export const SEARCH_SCORE_SCALE = ${SEARCH_SCORE_SCALE};

/** Every searchable tool, by position: [connector, tool name, description, flags (1 read_only, 2 destructive)]. */
export const searchTools: readonly (readonly [string, string, string, number])[] = ${jsonRows(tools)};

/** Per term (see generated/connectors/search-terms.ts): [tool position, score, tool position, score, …], positions ascending. */
export const searchPostings: Readonly<Record<string, readonly number[]>> = ${lookupRows("readonly number[]", postings)};

/** Per connector with tools: the ways an intent names it (all terms of one list present). */
export const searchVendors: Readonly<Record<string, readonly (readonly string[])[]>> = ${lookupRows("readonly (readonly string[])[]", vendors)};
`;
  // The query side needs the very same text rules: the template is copied beside the index.
  const rules = tsHeader() + readFileSync(new URL("../templates/search-terms.ts", import.meta.url), "utf8");
  return { "connectors/search-index.ts": source, "connectors/search-terms.ts": rules };
}
