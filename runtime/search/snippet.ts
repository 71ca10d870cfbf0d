// Snippets are HTML: the query's words wrapped in <mark>…</mark>, everything else escaped.
// FTS5's snippet() inserts its markers into the stored text unescaped, so we ask it for two
// private-use characters as markers, escape the whole snippet, then turn only those characters
// into tags. Stored text can never carry them: searchableText strips them before indexing.
// Semantic-only matches (no FTS5 match to cut a snippet from) get one cut here, by markTerms.

export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";
const MARKERS = /[\uE000\uE001]/g;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Text as the index keeps it: without the two marker characters, so no stored text can forge a mark. */
export function searchableText(text: string): string {
  return text.replace(MARKERS, "");
}

/** FTS5 snippet() output (markers around matches) as safe HTML. */
export function renderMarked(marked: string): string {
  return escapeHtml(marked).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Lower case without diacritics: how unicode61 (remove_diacritics 2) compares words. */
function fold(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * A snippet of `text` around the first of `terms` it holds (else its start), about `maxChars`
 * long, each occurrence of a term marked, as safe HTML.
 */
export function markTerms(text: string, terms: readonly string[], maxChars = 160): string {
  const wanted = new Set(terms.map(fold));
  const hits = [...text.matchAll(WORD)].filter((m) => wanted.has(fold(m[0])));
  const first = hits[0]?.index ?? 0;
  const start = Math.max(0, first - Math.floor(maxChars / 4));
  const end = Math.min(text.length, start + maxChars);
  let out = start > 0 ? "…" : "";
  let at = start;
  for (const h of hits) {
    const from = h.index as number;
    const to = from + h[0].length;
    if (from < start || to > end) continue;
    out += escapeHtml(text.slice(at, from)) + "<mark>" + escapeHtml(h[0]) + "</mark>";
    at = to;
  }
  return out + escapeHtml(text.slice(at, end)) + (end < text.length ? "…" : "");
}
