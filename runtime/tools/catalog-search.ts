// Catalog search: which connector tools fit an intent ("open a linear ticket"). The index is
// scored at codegen time (codegen/emit/connector-search.ts → generated/connectors/search-index.ts),
// so a query only analyses its words (generated/connectors/search-terms.ts, a copy of codegen/templates/search-terms.ts), adds synonyms, and sums
// integer postings — no per-request pass over the manifests. Only tools that exist in a manifest
// can come back; MCP connectors' tools are discovered per connection and are not in here.
import { SEARCH_SCORE_SCALE, searchPostings, searchTools, searchVendors } from "../../generated/connectors/search-index";
import { stem, SYNONYMS, words } from "../../generated/connectors/search-terms";

export interface CatalogHit {
  /** `<connector>/<tool>`, the name every other tools API takes. */
  tool: string;
  connector: string;
  /** The tool's name within its connector (`create_issue`). */
  name: string;
  description: string;
  read_only: boolean;
  destructive: boolean;
  /** Relevance (BM25F, synonyms weighted lower); only comparable within one search. */
  score: number;
}

export interface CatalogSearchOptions {
  /** How many hits at most (default 10, at most 100). */
  limit?: number;
  /** Only these connectors' tools; an empty list finds nothing. */
  connectors?: readonly string[];
}

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 100;
/** A synonym counts for less than the word the intent used. */
const SYNONYM_WEIGHT = 0.6;
/** Distinct words (or phrases) read from one intent; the rest is ignored so a query's cost stays bounded. */
const MAX_QUERY_TERMS = 32;

/** Stemmed phrase ("pull request") → its synonym group's first phrase and the group's other phrases. */
const MATES: ReadonlyMap<string, { group: string; mates: readonly (readonly string[])[] }> = (() => {
  const out = new Map<string, { group: string; mates: (readonly string[])[] }>();
  for (const members of SYNONYMS) {
    const phrases = members.map((p) => words(p).map(stem));
    const group = phrases[0]?.join(" ") ?? "";
    for (const p of phrases) {
      const key = p.join(" ");
      out.set(key, { group, mates: phrases.filter((q) => q.join(" ") !== key) });
    }
  }
  return out;
})();

/** One thing the intent asked for: its own words (weight 1) or any one synonym (weighted lower). */
type Clause = readonly { terms: readonly string[]; weight: number }[];

/**
 * The intent as clauses, one per word, or per two-word phrase that has synonyms ("pull request");
 * a repeated word counts once. A tool scores a clause's best alternative, not their sum, so a word
 * with many synonyms does not outweigh the rest of the intent, and "add a new" asks for "create" once.
 */
function clausesOf(stems: readonly string[]): { phrase: string; alternatives: Clause }[] {
  const out: { phrase: string; alternatives: Clause }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < stems.length && out.length < MAX_QUERY_TERMS; i++) {
    const pair = `${stems[i]} ${stems[i + 1] ?? ""}`;
    const phrase = MATES.has(pair) ? pair : (stems[i] as string);
    if (phrase === pair) i++;
    const synonyms = MATES.get(phrase);
    const key = synonyms?.group ?? phrase;
    if (seen.has(key)) continue;
    seen.add(key);
    const mates = (synonyms?.mates ?? []).map((terms) => ({ terms, weight: SYNONYM_WEIGHT }));
    out.push({ phrase, alternatives: [{ terms: phrase.split(" "), weight: 1 }, ...mates] });
  }
  return out;
}

/** Per tool position: the clause's best alternative (the sum of that alternative's postings, weighted). */
function clauseScores(clause: Clause): Map<number, number> {
  const best = new Map<number, number>();
  for (const { terms, weight } of clause) {
    const sum = new Map<number, number>();
    for (const term of terms) {
      const postings = searchPostings[term] ?? [];
      for (let k = 0; k < postings.length; k += 2) sum.set(postings[k] as number, (sum.get(postings[k] as number) ?? 0) + (postings[k + 1] as number));
    }
    for (const [tool, s] of sum) if (weight * s > (best.get(tool) ?? 0)) best.set(tool, weight * s);
  }
  return best;
}

/** Connectors the intent names (every term of one of their names present), and the terms that named them. */
function namedVendors(stems: ReadonlySet<string>): { ids: Set<string>; nameTerms: Set<string> } {
  const ids = new Set<string>();
  const nameTerms = new Set<string>();
  for (const id of Object.keys(searchVendors)) {
    const name = (searchVendors[id] ?? []).find((alt) => alt.every((t) => stems.has(t)));
    if (!name) continue;
    ids.add(id);
    for (const t of name) nameTerms.add(t);
  }
  return { ids, nameTerms };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_SEARCH_LIMIT;
  return Math.max(0, Math.min(MAX_SEARCH_LIMIT, Math.floor(limit)));
}

/**
 * The tools that best fit `intent`, best first. A vendor named in the intent ("linear ticket")
 * puts its tools that match the rest of the intent (or all of them, when the intent is only the
 * name) ahead of every other vendor's. Ties break on the tool name, so a search is deterministic.
 * An intent with no searchable word returns [].
 */
export function searchCatalog(intent: string, opts: CatalogSearchOptions = {}): CatalogHit[] {
  const limit = clampLimit(opts.limit);
  if (typeof intent !== "string" || limit === 0) return [];
  const stems = words(intent).map(stem);
  if (stems.length === 0) return [];
  const allowed = opts.connectors === undefined ? null : new Set(opts.connectors);
  const { ids: named, nameTerms } = namedVendors(new Set(stems));
  const clauses = clausesOf(stems);
  const otherTerms = clauses.some((c) => !nameTerms.has(c.phrase));

  const score = new Float64Array(searchTools.length);
  const matchesRest = new Uint8Array(searchTools.length);
  for (const { phrase, alternatives } of clauses) {
    const rest = !nameTerms.has(phrase);
    for (const [tool, s] of clauseScores(alternatives)) {
      score[tool] = (score[tool] as number) + s;
      if (rest) matchesRest[tool] = 1;
    }
  }

  const ranked: { i: number; first: boolean; name: string }[] = [];
  for (let i = 0; i < score.length; i++) {
    const row = searchTools[i];
    if (score[i] === 0 || !row || (allowed && !allowed.has(row[0]))) continue;
    ranked.push({ i, first: named.has(row[0]) && (!otherTerms || matchesRest[i] === 1), name: `${row[0]}/${row[1]}` });
  }
  ranked.sort((a, b) => Number(b.first) - Number(a.first) || (score[b.i] as number) - (score[a.i] as number) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ranked.slice(0, limit).map(({ i, name }) => hit(i, name, score[i] as number));
}

function hit(i: number, tool: string, raw: number): CatalogHit {
  const [connector, name, description, flags] = searchTools[i] as (typeof searchTools)[number];
  return { tool, connector, name, description, read_only: (flags & 1) !== 0, destructive: (flags & 2) !== 0, score: Math.round((raw / SEARCH_SCORE_SCALE) * 1000) / 1000 };
}
