// The catalog search's text analysis, shared by the index builder (codegen, over the manifests)
// and the query side (runtime/tools/catalog-search.ts): both must turn "Creating tickets" and
// "create_ticket" into the same terms, so there is exactly one copy of these rules.
// Pure and dependency-free: codegen imports this template, and `npm run gen` copies it to
// generated/connectors/search-terms.ts for the Worker, so imports keep flowing one way.

/** Words that carry no meaning in a tool intent ("send a message to the team"). */
const STOPWORDS = new Set(
  "a an the and or of to in on for by with from at as is are be been has have had it its this that these those my me i we our us you your they them their he him his she her please can could would should want wants need needs some any into via up so do does how what which who whom".split(" "),
);

/** Longest intent read; beyond it the words are ignored so one request cannot cost unbounded CPU. */
export const MAX_INTENT_CHARS = 1_000;

/**
 * Lower-case ASCII words, accents folded, stopwords dropped; snake_case splits ("list_board_lists"
 * → list board lists) and a camelCase word counts whole and in parts ("teamId" → teamid team id,
 * "GitHub" → github git hub), so a vendor's name matches however it is typed.
 */
export function words(text: string): string[] {
  // "up" is a stopword, so the phrasal verb "look up" becomes the one word it means.
  const folded = text.slice(0, MAX_INTENT_CHARS).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\blook(?:s|ing|ed)?\s+up\b/gi, "lookup");
  const out: string[] = [];
  const kept: string[] = [];
  for (const raw of folded.match(/[A-Za-z]+|[0-9]+/g) ?? []) {
    const whole = raw.toLowerCase();
    if (!STOPWORDS.has(whole)) {
      out.push(whole);
      kept.push(whole);
    }
    if (!/[a-z][A-Z]/.test(raw)) continue;
    for (const part of raw.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(" ")) if (!STOPWORDS.has(part)) out.push(part);
  }
  // Neighbours, and words one apart ("send a text message" → send_message, "create a trello card" → create_card).
  for (let i = 0; i + 1 < kept.length; i++) out.push(pairOf(kept[i] as string, kept[i + 1] as string));
  for (let i = 0; i + 2 < kept.length; i++) out.push(pairOf(kept[i] as string, kept[i + 2] as string));
  return out;
}

/**
 * Two neighbouring words as one term ("list records" → list_records, stemmed by the caller to
 * list_record), so the verb and object of an intent meet the same pair in a tool's name
 * (list_records rather than list_bases for "list records in a base"). The first word is stemmed
 * here, the second by the caller's stem(), so "creating invoices" and "create_invoice" agree.
 */
function pairOf(a: string, b: string): string {
  return `${stem(a)}${PAIR}${b}`;
}

/** Joins the two words of a pair term; words themselves never contain it. */
export const PAIR = "_";

/** A pair term ("list_record"), which the index keeps only for tool names. */
export function isPair(term: string): boolean {
  return term.includes(PAIR);
}

const VOWEL = /[aeiouy]/;

/**
 * Light suffix stripping, the same on both sides: plurals (-s, -es, -ies), -ing and -ed, then a
 * final -e, so "create", "creates", "creating" and "created" all become "creat". A stem keeps at
 * least three letters and a vowel ("string", "need", "status" stay whole).
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && /ie[sd]$/.test(w)) w = `${w.slice(0, -3)}y`;
  else if (/sses$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 4 && /(ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && /[^su]s$/.test(w) && !/is$/.test(w)) w = w.slice(0, -1);
  const suffix = /ing$/.test(w) ? 3 : /ed$/.test(w) ? 2 : 0;
  if (suffix > 0) {
    const base = w.slice(0, -suffix);
    if (base.length >= 3 && VOWEL.test(base)) w = /([b-df-hj-km-np-rtv-xz])\1$/.test(base) && !/(ll|ss|zz)$/.test(base) ? base.slice(0, -1) : base;
  }
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** The searchable terms of a text: its words, stemmed. */
export function terms(text: string): string[] {
  return words(text).map(stem);
}

/**
 * Words an intent may use for what a manifest calls otherwise, applied to the query only
 * (the index holds the manifests' own words). A member may be several words ("pull request").
 */
export const SYNONYMS: readonly (readonly string[])[] = [
  ["ticket", "issue", "bug", "conversation"],
  ["text", "sms", "message", "chat"],
  ["deal", "opportunity"],
  ["customer", "contact", "person", "people", "client"],
  ["email", "mail", "e-mail"],
  ["pr", "pull request", "merge request"],
  ["repo", "repository"],
  ["create", "new", "add", "open", "schedule", "book", "make", "place"],
  ["find", "search", "lookup", "query"],
  ["get", "read", "fetch", "retrieve", "show", "view"],
  ["delete", "remove", "archive"],
  ["update", "edit", "modify", "change"],
  ["send", "sent", "post", "notify"],
  ["reply", "respond", "answer", "comment"],
  ["invoice", "bill"],
  ["payment", "charge"],
  ["file", "document", "doc", "attachment"],
  ["alert", "monitor", "alarm"],
  ["task", "todo", "card"],
  ["call", "dial", "ring"],
  ["channel", "room"],
  ["site", "website"],
  ["check", "verify", "validate"],
  ["candidate", "applicant"],
  ["metric", "timeseries", "stat"],
];
