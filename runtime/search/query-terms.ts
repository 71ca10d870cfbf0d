// The caller's `q` never reaches FTS5's query parser as written: FTS5 syntax (quotes, `*`, `^`,
// NEAR, column filters, AND/OR/NOT, parentheses) would let a query fail (a 500) or reach another
// column. We cut `q` into words ourselves and hand FTS5 only quoted strings of letters, digits
// and combining marks, so every word is a plain phrase whatever it spells.

/** At most this many distinct words of a query are searched (FTS5's cost grows with each). */
export const MAX_QUERY_TERMS = 32;

// Letters, digits and combining marks: the characters unicode61 keeps in tokens (it splits a
// word with marks into pieces itself, inside our quotes, which then match as one phrase).
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The distinct words of a query, in order, at most MAX_QUERY_TERMS; empty when it has none. */
export function queryTerms(q: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of q.matchAll(WORD)) {
    const key = m[0].toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m[0]);
    if (out.length === MAX_QUERY_TERMS) break;
  }
  return out;
}

/** `all`: every word must occur; `any`: one is enough (ranked by BM25, so more is better). */
export type TermMode = "all" | "any";

/**
 * The FTS5 MATCH expression: the scope token AND the words, the words confined to the body
 * column (so no word can match the scope column's tokens). Terms come from queryTerms, so
 * they hold no `"`; the scope token is hex.
 */
export function matchExpression(scopeToken: string, terms: readonly string[], mode: TermMode): string {
  if (terms.length === 0) throw new Error("matchExpression needs at least one term");
  const words = terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(mode === "all" ? " AND " : " OR ");
  return `scope : "${scopeToken}" AND body : (${words})`;
}
