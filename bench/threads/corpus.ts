// bench:threads' synthetic corpus: deterministic messages of 8–40 words drawn from a 5,000-word
// vocabulary with a Zipf-like skew (a few words in most messages, most words rare), so search
// queries hit posting lists of realistic, varied lengths.
import { seededRandom } from "../../test/support/random";

const VOCABULARY_SIZE = 5_000;
const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "zo", "pa", "di", "fu", "ge", "ho", "ju", "ba", "co", "xe", "ya", "wu"];

/** The i-th word of the vocabulary: three or four syllables, unique per index. */
export function word(i: number): string {
  let s = "";
  let x = i + VOCABULARY_SIZE;
  while (x > 0) {
    s += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  }
  return s;
}

/** The corpus's seeded generator (mulberry32, shared with the randomized tests). */
export const rng = seededRandom;

/** A word index skewed towards the common end (rank ~ u^3 of the vocabulary). */
export function skewedWord(r: () => number): number {
  return Math.floor(r() ** 3 * VOCABULARY_SIZE);
}

/** The text of message number `n`. */
export function messageText(n: number): string {
  const r = rng(n);
  const words = 8 + Math.floor(r() * 33);
  return Array.from({ length: words }, () => word(skewedWord(r))).join(" ");
}
