// Catalog search quality over fixtures/tool-intents.json: recall@3 and MRR, separately for
// intents that name the vendor and for those that do not. Shared by `npm run bench:tools` (the
// figures in bench/tools.md) and test/unit/tools/catalog-search.test.ts (a floor under them, so a
// ranking regression fails `npm test`). Only intents whose expected connectors are in the search
// index count; an expected tool its connector does not have is reported as stale.
import { readFileSync } from "node:fs";
import { searchTools } from "../../generated/connectors/search-index";
import { searchCatalog } from "../../runtime/tools/catalog-search";

export interface ToolIntent {
  intent: string;
  /** The intent names the vendor ("open a Linear ticket"). */
  named: boolean;
  category: string;
  /** `<connector>/<tool>`: any of them counts as the right answer. */
  expect: string[];
}

export interface QualityFigures {
  /** Intents scored. */
  n: number;
  /** Share of intents with a right tool among the first three hits. */
  recallAt3: number;
  /** Mean of 1/rank of the first right tool (0 when none in the first ten). */
  mrr: number;
}

export interface QualityReport {
  named: QualityFigures;
  unnamed: QualityFigures;
  /** Intents whose connectors are not indexed yet. */
  skipped: number;
  /** Expected tools whose connector is indexed but has no such tool (the intents file needs an edit). */
  stale: string[];
  /** Intents without a right tool in the first three, with what came first. */
  misses: { intent: string; expect: string[]; got: string[] }[];
}

export const INTENTS_FILE = new URL("../../fixtures/tool-intents.json", import.meta.url);

export function loadIntents(): ToolIntent[] {
  return (JSON.parse(readFileSync(INTENTS_FILE, "utf8")) as { intents: ToolIntent[] }).intents;
}

/** How many hits are read for MRR. */
const DEPTH = 10;

export function searchQuality(intents: readonly ToolIntent[], search: (intent: string) => string[] = (q) => searchCatalog(q, { limit: DEPTH }).map((h) => h.tool)): QualityReport {
  const indexed = new Set(searchTools.map(([c, t]) => `${c}/${t}`));
  const connectors = new Set(searchTools.map(([c]) => c));
  const stale = new Set<string>();
  const acc = { named: { n: 0, hits: 0, rr: 0 }, unnamed: { n: 0, hits: 0, rr: 0 } };
  const misses: QualityReport["misses"] = [];
  let skipped = 0;
  for (const it of intents) {
    const present = it.expect.filter((t) => connectors.has(t.split("/")[0] as string));
    for (const t of present) if (!indexed.has(t)) stale.add(t);
    const right = present.filter((t) => indexed.has(t));
    if (right.length === 0) {
      skipped++;
      continue;
    }
    const got = search(it.intent).slice(0, DEPTH);
    const rank = got.findIndex((t) => right.includes(t)) + 1;
    const a = it.named ? acc.named : acc.unnamed;
    a.n++;
    if (rank >= 1 && rank <= 3) a.hits++;
    else misses.push({ intent: it.intent, expect: right, got: got.slice(0, 3) });
    if (rank >= 1) a.rr += 1 / rank;
  }
  const figures = (a: { n: number; hits: number; rr: number }): QualityFigures => ({ n: a.n, recallAt3: a.n ? a.hits / a.n : 0, mrr: a.n ? a.rr / a.n : 0 });
  return { named: figures(acc.named), unnamed: figures(acc.unnamed), skipped, stale: [...stale].sort(), misses };
}

/** Targets from issue 18. */
export const QUALITY_TARGETS = { namedRecallAt3: 0.97, unnamedRecallAt3: 0.9 } as const;
