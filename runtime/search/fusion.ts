// Reciprocal rank fusion (Cormack et al. 2009): each list gives an item 1/(k + rank), summed.
// It needs no comparable scores, which BM25 and cosine similarity are not; k = 60 damps the
// weight of the very top ranks, as in the paper.

export const RRF_K = 60;

/** The items of all lists, best fused score first (ties: first seen first); rank 1 is a list's head. */
export function reciprocalRankFusion(lists: readonly (readonly string[])[], k = RRF_K): { key: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((key, i) => scores.set(key, (scores.get(key) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
}
