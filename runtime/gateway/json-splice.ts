// Same-shape pass-through sends the caller's bytes, never a re-serialization: a signed
// `thinking` block, key order, whitespace, number spellings and unknown fields must reach the
// provider exactly as sent (Anthropic refuses a tool-result turn whose thinking was altered).
// The few values Gatehouse must change (the model an alias resolved to, the output limit the
// hold pays for, `include_usage`, `max_uses`) are spliced in as bytes, each value alone.
import { isRecord } from "../translate/json";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Where one JSON value lies in the bytes: [start, end). */
interface Span {
  start: number;
  end: number;
}

/** One replacement: bytes [start, end) become `text` (an insertion when start === end). */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * `raw` (the JSON text `original` was parsed from) changed only where `desired` differs from
 * `original`: values compared by identity first (the body builders share every untouched
 * value), objects and same-length arrays descended into, anything else replaced as a whole,
 * a member missing from the original inserted first in its object. Returns `raw` itself when
 * nothing differs. Duplicate keys: every occurrence is replaced (a host may read the first).
 */
export function spliceJson(raw: Uint8Array, original: unknown, desired: unknown): Uint8Array {
  if (original === desired) return raw;
  const edits: Edit[] = [];
  diff(raw, { start: skipSpace(raw, 0), end: raw.length }, original, desired, edits);
  if (edits.length === 0) return raw;
  edits.sort((a, b) => a.start - b.start);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(raw.subarray(at, e.start), enc.encode(e.text));
    at = e.end;
  }
  parts.push(raw.subarray(at));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function diff(raw: Uint8Array, span: Span, original: unknown, desired: unknown, edits: Edit[]): void {
  if (original === desired) return;
  if (isRecord(original) && isRecord(desired) && raw[span.start] === 0x7b) {
    const members = objectMembers(raw, span.start);
    const inserted: string[] = [];
    for (const key of Object.keys(desired)) {
      const spans = members.get(key);
      if (!spans) {
        if (desired[key] !== undefined) inserted.push(`${JSON.stringify(key)}:${JSON.stringify(desired[key])}`);
        continue;
      }
      for (const s of spans) diff(raw, s, original[key], desired[key], edits);
    }
    if (inserted.length > 0) {
      const empty = members.size === 0;
      edits.push({ start: span.start + 1, end: span.start + 1, text: inserted.join(",") + (empty ? "" : ",") });
    }
    return;
  }
  if (Array.isArray(original) && Array.isArray(desired) && original.length === desired.length && raw[span.start] === 0x5b) {
    const elements = arrayElements(raw, span.start);
    for (const [i, s] of elements.entries()) diff(raw, s, original[i], desired[i], edits);
    return;
  }
  edits.push({ start: span.start, end: valueEnd(raw, span.start), text: JSON.stringify(desired) ?? "null" });
}

/** The spans of each member's value in the object starting at `at` (`{`), by decoded key. */
function objectMembers(raw: Uint8Array, at: number): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  let i = skipSpace(raw, at + 1);
  if (raw[i] === 0x7d) return out;
  for (;;) {
    const keyEnd = stringEnd(raw, i);
    const key = JSON.parse(dec.decode(raw.subarray(i, keyEnd))) as string;
    i = skipSpace(raw, keyEnd);
    i = skipSpace(raw, i + 1); // the colon
    const end = valueEnd(raw, i);
    const spans = out.get(key) ?? [];
    spans.push({ start: i, end });
    out.set(key, spans);
    i = skipSpace(raw, end);
    if (raw[i] !== 0x2c) return out; // `}`
    i = skipSpace(raw, i + 1);
  }
}

/** The spans of the elements of the array starting at `at` (`[`). */
function arrayElements(raw: Uint8Array, at: number): Span[] {
  const out: Span[] = [];
  let i = skipSpace(raw, at + 1);
  if (raw[i] === 0x5d) return out;
  for (;;) {
    const end = valueEnd(raw, i);
    out.push({ start: i, end });
    i = skipSpace(raw, end);
    if (raw[i] !== 0x2c) return out; // `]`
    i = skipSpace(raw, i + 1);
  }
}

/** Index just past the JSON value starting at `at` (the text is valid JSON: it was parsed). */
function valueEnd(raw: Uint8Array, at: number): number {
  const b = raw[at];
  if (b === QUOTE) return stringEnd(raw, at);
  if (b !== 0x7b && b !== 0x5b) {
    let i = at;
    while (i < raw.length && !isDelimiter(raw[i] as number)) i++;
    return i;
  }
  // A container: count brackets, jumping over strings (most of a large body is inside strings,
  // e.g. base64 images, so the native indexOf does the bulk of the scan).
  let depth = 0;
  let i = at;
  while (i < raw.length) {
    const c = raw[i] as number;
    if (c === QUOTE) {
      i = stringEnd(raw, i);
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/** Index just past the string whose opening quote is at `at`. */
function stringEnd(raw: Uint8Array, at: number): number {
  let i = at + 1;
  for (;;) {
    const q = raw.indexOf(QUOTE, i);
    if (q < 0) return raw.length;
    let slashes = 0;
    while (raw[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

function isDelimiter(b: number): boolean {
  return b === 0x2c || b === 0x7d || b === 0x5d || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(raw: Uint8Array, at: number): number {
  let i = at;
  while (i < raw.length && (raw[i] === 0x20 || raw[i] === 0x0a || raw[i] === 0x0d || raw[i] === 0x09)) i++;
  return i;
}
