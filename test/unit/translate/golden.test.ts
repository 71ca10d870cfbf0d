// Golden tests over the hand-written fixtures in fixtures/translate/. Each case is an
// input file plus the expected output; `UPDATE_GOLDENS=1` rewrites the expectations
// (review the diff!). Streams are also checked for invariants and split-independence.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  TranslateError,
  anthropicRequestToOpenAI,
  anthropicResponseToOpenAI,
  createStreamTranslator,
  openAIRequestToAnthropic,
  openAIResponseToAnthropic,
} from "../../../runtime/translate";
import type { ResponseOptions, StreamTranslator, WireFormat } from "../../../runtime/translate";
import { checkAnthropicOutput, checkOpenAIOutput, randomSplits } from "./helpers";

const ROOT = fileURLToPath(new URL("../../../fixtures/translate/", import.meta.url));
const UPDATE = process.env["UPDATE_GOLDENS"] === "1";
const DEFAULTS: ResponseOptions = { messageId: "golden-id", created: 1_700_000_000 };

function pair(dir: string): [WireFormat, WireFormat] {
  const [from, to] = dir.split("-to-");
  const shape = (s: string | undefined): WireFormat => {
    if (s === "openai" || s === "anthropic") return s;
    throw new Error(`fixture folder ${dir} must be named <openai|anthropic>-to-<openai|anthropic>`);
  };
  return [shape(from), shape(to)];
}

function cases(dir: string, suffix: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
}

function options(dir: string, name: string): Record<string, unknown> {
  const file = join(ROOT, dir, `${name}.options.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

/** Compares with the golden file, or writes it under UPDATE_GOLDENS=1. */
function golden(file: string, actual: string): void {
  const path = join(ROOT, file);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${file} is missing; run UPDATE_GOLDENS=1 npx vitest run test/unit/translate`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

function observations(t: StreamTranslator): string {
  const { usage, stopReason, stopSequence, sawContent, upstreamError, done } = t;
  return `${JSON.stringify({ usage, stopReason: stopReason ?? null, stopSequence, sawContent, upstreamError: upstreamError ?? null, done }, null, 2)}\n`;
}

const streamDirs = readdirSync(ROOT).filter((d) => d.includes("-to-"));

describe.each(streamDirs)("stream goldens %s", (dir) => {
  const [from, to] = pair(dir);
  it.each(cases(dir, ".input.sse"))("%s", (name) => {
    const input = readFileSync(join(ROOT, dir, `${name}.input.sse`));
    const opts: ResponseOptions = { ...DEFAULTS, ...options(dir, name) };
    const t = createStreamTranslator(from, to, opts);
    const out = t.push(input) + t.end();
    golden(join(dir, `${name}.golden.sse`), out);
    golden(join(dir, `${name}.state.json`), observations(t));
    if (to === "anthropic") checkAnthropicOutput(out);
    else checkOpenAIOutput(out);
    for (let seed = 1; seed <= 10; seed++) {
      const split = createStreamTranslator(from, to, opts);
      let again = "";
      for (const piece of randomSplits(input, seed, seed % 2 === 0 ? 2 : 50)) again += split.push(piece);
      expect(again + split.end(), `split with seed ${seed}`).toBe(out);
    }
  });
});

function translateRequest(from: WireFormat, body: Record<string, unknown>, opts: Record<string, unknown>): unknown {
  try {
    return from === "anthropic" ? anthropicRequestToOpenAI(body, opts) : openAIRequestToAnthropic(body, opts);
  } catch (err) {
    if (!(err instanceof TranslateError)) throw err;
    return { error: { status: err.status, type: err.type, param: err.param ?? null, message: err.message } };
  }
}

describe.each(readdirSync(join(ROOT, "requests")))("request goldens %s", (dir) => {
  const [from] = pair(dir);
  it.each(cases(join("requests", dir), ".input.json"))("%s", (name) => {
    const base = join("requests", dir);
    const body = JSON.parse(readFileSync(join(ROOT, base, `${name}.input.json`), "utf8")) as Record<string, unknown>;
    const out = translateRequest(from, body, options(base, name));
    golden(join(base, `${name}.golden.json`), `${JSON.stringify(out, null, 2)}\n`);
    expect(name.startsWith("error-"), "error-* cases and only those fail with a 400").toBe(
      typeof out === "object" && out !== null && "error" in out,
    );
  });
});

describe.each(readdirSync(join(ROOT, "responses")))("response goldens %s", (dir) => {
  const [from] = pair(dir);
  it.each(cases(join("responses", dir), ".input.json"))("%s", (name) => {
    const base = join("responses", dir);
    const body = JSON.parse(readFileSync(join(ROOT, base, `${name}.input.json`), "utf8")) as Record<string, unknown>;
    const opts = { ...DEFAULTS, ...options(base, name) };
    const out = from === "openai" ? openAIResponseToAnthropic(body, opts) : anthropicResponseToOpenAI(body, opts);
    golden(join(base, `${name}.golden.json`), `${JSON.stringify(out, null, 2)}\n`);
  });
});
