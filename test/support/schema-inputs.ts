// Valid sample arguments generated from a tool's JSON Schema, so a table-driven test can call
// every tool of every manifest without hand-written inputs: once with the required arguments
// only, once with every argument. Free-text strings are awkward on purpose (a space, a slash,
// non-ASCII) so that encoding mistakes show, and carry the argument's name so a test can find
// each value in the request it built. Covers the schema subset manifests use (type or type
// lists, properties/required, oneOf/anyOf of `required` lists, enum/const/examples, pattern,
// format, min/max bounds, arrays, free objects); anything else fails naming the argument.

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface SampleOptions {
  /** Include optional properties too (default: required ones only). */
  optional?: boolean;
}

/** A valid value for a tool's input schema (an object schema). */
export function sampleInput(schema: JsonSchema, opts: SampleOptions = {}): Record<string, unknown> {
  const value = new Sampler(opts.optional ?? false).value(schema, "input");
  if (!isRecord(value)) throw new Error("sampleInput: the input schema must describe an object");
  return value;
}

/** A string matching `pattern` (the subset of regular expressions field patterns use). */
export function sampleString(pattern: string, name = "value", seed = 0): string {
  const text = new RegexSampler(pattern, seed).string();
  if (!new RegExp(pattern, "u").test(text)) {
    throw new Error(`cannot generate a value for ${name} matching ${pattern}; give it an examples: [...] entry in its schema`);
  }
  return text;
}

class Sampler {
  private counter = 0;
  constructor(private readonly optional: boolean) {}

  value(schema: JsonSchema, name: string): unknown {
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if ("const" in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    switch (typeOf(schema, name)) {
      case "object":
        return this.object(schema, name);
      case "array":
        return this.array(schema, name);
      case "string":
        return this.string(schema, name);
      case "integer":
        return this.number(schema, true);
      case "number":
        return this.number(schema, false);
      case "boolean":
        return true;
      case "null":
        return null;
      default:
        throw new Error(`${name}: no sample for schema ${JSON.stringify(schema)}`);
    }
  }

  private object(schema: JsonSchema, name: string): Record<string, unknown> {
    const props = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    if (Object.keys(props).length === 0 && schema.additionalProperties !== false) return { [`${name}_key`]: `${name} value` };
    const required = new Set(stringList(schema.required));
    // oneOf / anyOf of `required` lists ("From or MessagingServiceSid"): satisfy the first branch,
    // and with every optional argument still leave out what only the other branches need.
    const branches = [...recordList(schema.oneOf), ...recordList(schema.anyOf)].map((b) => stringList(b.required));
    const [first = [], ...others] = branches;
    for (const r of first) required.add(r);
    const excluded = new Set(others.flat().filter((r) => !required.has(r)));
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(props)) {
      if (required.has(key) || (this.optional && !excluded.has(key))) out[key] = this.value(sub, key);
    }
    for (const r of required) if (!(r in out)) throw new Error(`${name}: "${r}" is required but has no schema in properties`);
    return out;
  }

  private array(schema: JsonSchema, name: string): unknown[] {
    const items = isRecord(schema.items) ? (schema.items as JsonSchema) : {};
    const count = Math.max(1, Number(schema.minItems ?? 1));
    return Array.from({ length: count }, (_, i) => this.value(items, `${name}${i}`));
  }

  private string(schema: JsonSchema, name: string): string {
    const n = ++this.counter;
    let text: string;
    if (typeof schema.pattern === "string") text = sampleString(schema.pattern, name, n);
    else if (schema.format === "date-time") text = `2026-01-${String(10 + (n % 18)).padStart(2, "0")}T08:30:00Z`;
    else if (schema.format === "date") text = `2026-02-${String(10 + (n % 18)).padStart(2, "0")}`;
    else if (schema.format === "uri" || schema.format === "url") text = `https://files.example.com/${name}-${n}.png`;
    else if (schema.format === "email") text = `${name.toLowerCase()}${n}@example.com`;
    else text = `${name} ${n}/é`;
    const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
    const min = typeof schema.minLength === "number" ? schema.minLength : 0;
    if (text.length > max) text = text.slice(0, max);
    while (text.length < min) text += "x";
    return text;
  }

  /** Distinct per call where the bounds allow, so two arguments rarely share a value. */
  private number(schema: JsonSchema, integer: boolean): number {
    const lo = lower(schema);
    const hi = upper(schema);
    const n = ++this.counter;
    const wanted = (Number.isFinite(lo) ? lo : 0) + 7 + n * 3;
    const value = wanted <= hi ? wanted : Number.isFinite(lo) ? lo + ((n * 3) % (hi - lo + 1)) : hi;
    return integer ? Math.floor(value) : value;
  }
}

function typeOf(schema: JsonSchema, name: string): string {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const first = t.find((x) => x !== "null");
    if (typeof first === "string") return first;
  }
  if (isRecord(schema.properties)) return "object";
  throw new Error(`${name}: the schema has no type; give it one (string, integer, object…)`);
}

const lower = (s: JsonSchema) => (typeof s.minimum === "number" ? s.minimum : typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum + 1 : -Infinity);
const upper = (s: JsonSchema) => (typeof s.maximum === "number" ? s.maximum : typeof s.exclusiveMaximum === "number" ? s.exclusiveMaximum - 1 : Infinity);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const recordList = (v: unknown): JsonSchema[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/**
 * The shortest string a simple regular expression accepts: literals, escapes (\d \w \s \. …),
 * classes with ranges, groups with alternatives (first one taken), and quantifiers (minimum
 * count, at least one for `+`). Class members rotate with `seed`, so two samples of one
 * pattern differ. Lookarounds and backreferences are not supported.
 */
class RegexSampler {
  private i = 0;
  private picks = 0;
  constructor(
    private readonly src: string,
    private readonly seed: number,
  ) {}

  string(): string {
    const out = this.alternatives();
    if (this.i < this.src.length) throw new Error(`unsupported regular expression ${this.src} at ${this.i}`);
    return out;
  }

  private alternatives(): string {
    const first = this.sequence();
    while (this.src[this.i] === "|") {
      this.i++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let out = "";
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const start = this.i;
      this.atom();
      const count = this.quantifier();
      const end = this.i;
      // Each repetition is sampled afresh, so `[0-9]{17}` is not one digit seventeen times.
      for (let k = 0; k < count; k++) {
        this.i = start;
        out += this.atom();
      }
      this.i = end;
    }
    return out;
  }

  private atom(): string {
    const c = this.src[this.i++]!;
    if (c === "^" || c === "$") return "";
    if (c === ".") return "a";
    if (c === "\\") return this.pick(escapeSet(this.src[this.i++] ?? ""));
    if (c === "[") return this.charClass();
    if (c === "(") {
      if (this.src.startsWith("?:", this.i)) this.i += 2;
      else if (this.src[this.i] === "?") throw new Error(`unsupported group in regular expression ${this.src}`);
      const inner = this.alternatives();
      if (this.src[this.i++] !== ")") throw new Error(`unbalanced group in regular expression ${this.src}`);
      return inner;
    }
    return c;
  }

  private charClass(): string {
    const negated = this.src[this.i] === "^";
    if (negated) this.i++;
    const members: string[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "]") {
      const c = this.src[this.i++]!;
      if (c === "\\") {
        members.push(...escapeSet(this.src[this.i++] ?? ""));
      } else if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        const end = this.src[this.i + 1]!;
        this.i += 2;
        for (let code = c.codePointAt(0)!; code <= end.codePointAt(0)!; code++) members.push(String.fromCodePoint(code));
      } else members.push(c);
    }
    this.i++; // ]
    if (!negated) return this.pick(members);
    return [..."a0_Z-"].find((ch) => !members.includes(ch)) ?? "~";
  }

  private pick(members: readonly string[]): string {
    return members.length === 0 ? "" : members[(this.seed + this.picks++) % members.length]!;
  }

  private quantifier(): number {
    const c = this.src[this.i];
    let count = 1;
    if (c === "?" || c === "*") {
      this.i++;
      count = c === "?" ? 0 : 1;
    } else if (c === "+") {
      this.i++;
    } else if (c === "{") {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.i));
      if (!m) return 1;
      this.i += m[0].length;
      count = Number(m[1]);
    } else return 1;
    if (this.src[this.i] === "?") this.i++; // lazy
    return count;
  }
}

const DIGITS = [..."0123456789"];

/** The characters an escape stands for (`\\d` → digits, `\\.` → "."). */
function escapeSet(c: string): readonly string[] {
  switch (c) {
    case "d":
      return DIGITS;
    case "w":
      return [..."abcxyz", ...DIGITS, "_"];
    case "s":
      return [" "];
    case "D":
    case "W":
    case "S":
      throw new Error(`unsupported escape \\${c}`);
    default:
      return [c];
  }
}
