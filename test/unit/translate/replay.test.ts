// Replays every real recorded upstream response in ../shared/fixtures/upstream/ (see
// its SOURCES.md) through the translator and checks invariants, not snapshots.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  anthropicResponseToOpenAI,
  createStreamTranslator,
  createUsageTap,
  openAIResponseToAnthropic,
  translateErrorBody,
} from "../../../runtime/translate";
import type { WireFormat } from "../../../runtime/translate";
import { checkAnthropicOutput, checkOpenAIOutput, randomSplits } from "./helpers";
import {
  ANTHROPIC_TO_OPENAI_FINISH,
  OPENAI_TO_ANTHROPIC_STOP,
  anthropicReference,
  expectedAnthropicUsage,
  expectedOpenAIUsage,
  openAIReference,
} from "./reference";

const CORPUS = fileURLToPath(new URL("../../../../shared/fixtures/upstream/", import.meta.url));
const OPTS = { messageId: "replay-id", created: 1_700_000_000 };

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : d.name === "SOURCES.md" ? [] : [join(dir, d.name)],
  );
}

function translate(from: WireFormat, to: WireFormat, input: Uint8Array | string | Uint8Array[]): string {
  const t = createStreamTranslator(from, to, OPTS);
  let out = "";
  for (const piece of Array.isArray(input) ? input : [input]) out += t.push(piece);
  return out + t.end();
}

const present = existsSync(CORPUS);
const files = present ? listFiles(CORPUS) : [];
const streams = files.filter((f) => f.endsWith(".sse"));
const shapeOf = (file: string): WireFormat => (relative(CORPUS, file).startsWith("anthropic") ? "anthropic" : "openai");

(present ? describe : describe.skip)(
  present ? "replay of recorded upstream responses" : "replay: ../shared/fixtures/upstream/ is absent, so the replay suite is skipped",
  () => {
    it("has a handler for every file in the corpus", () => {
      const handled = files.filter((f) => f.endsWith(".sse") || f.endsWith(".json"));
      expect(handled).toEqual(files);
      expect(streams.length).toBeGreaterThanOrEqual(15);
    });

    describe.each(streams.filter((f) => shapeOf(f) === "openai").map((f) => [relative(CORPUS, f), f]))(
      "OpenAI stream %s → Anthropic",
      (_name, file) => {
        const input = readFileSync(file);
        const ref = openAIReference(input.toString("utf8"));
        const out = translate("openai", "anthropic", input);

        it("keeps block lifecycle, text, reasoning, tool input, usage and stop reason", () => {
          const sum = checkAnthropicOutput(out);
          expect(sum.text).toBe(ref.text);
          expect(sum.thinking).toBe(ref.thinking);
          expect(sum.signatures, "no invented signatures").toEqual([]);
          expect(sum.tools.map((t) => [t.id, t.name])).toEqual(ref.tools.map((t) => [t.id, t.name]));
          sum.tools.forEach((t, i) => {
            const upstream = ref.tools[i]?.args ?? "";
            expect(t.args, "input_json_delta fragments concatenate to the upstream arguments").toBe(upstream === "" ? "{}" : upstream);
            expect(JSON.parse(t.args)).toEqual(JSON.parse(upstream === "" ? "{}" : upstream));
          });
          if (ref.error !== undefined) {
            expect(sum.error?.["message"]).toBe(ref.error["message"]);
            return;
          }
          expect(sum.stop).toBe(OPENAI_TO_ANTHROPIC_STOP[ref.finish ?? ""]);
          expect(sum.usage).toEqual(expectedAnthropicUsage(ref.usage ?? {}));
        });

        it("reports the same usage and stop through the getters and through a pass-through tap", () => {
          const t = createStreamTranslator("openai", "anthropic", OPTS);
          t.push(input);
          t.end();
          const tap = createUsageTap("openai");
          expect(tap.push(input)).toBe(input);
          expect(tap.end()).toBe("");
          if (ref.usage !== undefined) {
            const { reasoning_tokens, ...tokens } = t.usage;
            const { output_tokens_details, ...expected } = expectedAnthropicUsage(ref.usage);
            expect(tokens).toEqual(expected);
            expect(reasoning_tokens === undefined ? undefined : { thinking_tokens: reasoning_tokens }).toEqual(output_tokens_details);
          }
          expect(tap.usage).toEqual(t.usage);
          expect(tap.stopReason).toEqual(t.stopReason);
          expect(tap.upstreamError).toEqual(t.upstreamError);
          expect(t.sawContent).toBe(ref.text !== "" || ref.thinking !== "" || ref.tools.length > 0);
        });

        it("round-trips OpenAI → Anthropic → OpenAI keeping text, tool calls, usage and finish", () => {
          const back = checkOpenAIOutput(translate("anthropic", "openai", out));
          expect(back.text).toBe(ref.text);
          expect(back.thinking).toBe(ref.thinking);
          expect(back.tools.map((t) => [t.id, t.name, JSON.parse(t.args)])).toEqual(
            ref.tools.map((t) => [t.id, t.name, JSON.parse(t.args === "" ? "{}" : t.args)]),
          );
          if (ref.error !== undefined) {
            expect(back.error?.["message"]).toBe(ref.error["message"]);
            return;
          }
          expect(back.stop).toBe(ref.finish);
          const once = createStreamTranslator("openai", "anthropic", OPTS);
          once.push(input);
          once.end();
          const twice = createStreamTranslator("openai", "anthropic", OPTS);
          twice.push(translate("anthropic", "openai", out));
          twice.end();
          expect(twice.usage).toEqual(once.usage);
          expect(back.usage?.["total_tokens"]).toBe(ref.usage?.["total_tokens"]);
        });

        it("gives identical output for any split of the bytes", () => {
          for (let seed = 1; seed <= 25; seed++) {
            expect(translate("openai", "anthropic", randomSplits(input, seed, seed % 5 === 0 ? 3 : 64))).toBe(out);
          }
          expect(translate("openai", "anthropic", randomSplits(input, 0, 1))).toBe(out);
        });
      },
    );

    describe.each(streams.filter((f) => shapeOf(f) === "anthropic").map((f) => [relative(CORPUS, f), f]))(
      "Anthropic stream %s → OpenAI",
      (_name, file) => {
        const input = readFileSync(file);
        const ref = anthropicReference(input.toString("utf8"));
        const out = translate("anthropic", "openai", input);

        it("keeps one id, one finish_reason, text, reasoning, tool calls and usage", () => {
          const sum = checkOpenAIOutput(out);
          expect(sum.id).toBe("replay-id");
          expect(sum.text).toBe(ref.text);
          expect(sum.thinking).toBe(ref.thinking);
          expect(sum.tools.map((t) => [t.id, t.name])).toEqual(ref.tools.map((t) => [t.id, t.name]));
          sum.tools.forEach((t, i) => {
            const upstream = ref.tools[i]?.args ?? "";
            expect(t.args).toBe(upstream === "" ? "{}" : upstream);
          });
          if (ref.error !== undefined) {
            expect(sum.error?.["message"]).toBe(ref.error["message"]);
            expect(sum.done).toBe(false);
            return;
          }
          expect(sum.stop).toBe(ANTHROPIC_TO_OPENAI_FINISH[ref.finish ?? ""]);
          expect(sum.usage).toEqual(expectedOpenAIUsage(ref.usage ?? {}));
        });

        it("round-trips Anthropic → OpenAI → Anthropic keeping text, tools and usage", () => {
          const back = checkAnthropicOutput(translate("openai", "anthropic", out));
          expect(back.text).toBe(ref.text);
          expect(back.thinking).toBe(ref.thinking);
          expect(back.tools.map((t) => [t.id, t.name, JSON.parse(t.args)])).toEqual(
            ref.tools.map((t) => [t.id, t.name, JSON.parse(t.args === "" ? "{}" : t.args)]),
          );
          if (ref.error !== undefined) return;
          expect(back.stop).toBe(ref.finish);
          const u = ref.usage ?? {};
          expect(back.usage).toEqual({
            input_tokens: u["input_tokens"],
            cache_creation_input_tokens: u["cache_creation_input_tokens"],
            cache_read_input_tokens: u["cache_read_input_tokens"],
            output_tokens: u["output_tokens"],
          });
        });

        it("passes bytes through a tap untouched while observing the same state", () => {
          const t = createStreamTranslator("anthropic", "openai", OPTS);
          t.push(input);
          t.end();
          const tap = createUsageTap("anthropic");
          for (const piece of randomSplits(input, 7)) expect(tap.push(piece)).toBe(piece);
          tap.end();
          expect(tap.usage).toEqual(t.usage);
          expect(tap.stopReason).toBe(t.stopReason);
          expect(tap.upstreamError).toEqual(t.upstreamError);
        });

        it("gives identical output for any split of the bytes", () => {
          for (let seed = 1; seed <= 25; seed++) {
            expect(translate("anthropic", "openai", randomSplits(input, seed, seed % 5 === 0 ? 3 : 64))).toBe(out);
          }
          expect(translate("anthropic", "openai", randomSplits(input, 0, 1))).toBe(out);
        });
      },
    );

    const json = (rel: string): unknown => JSON.parse(readFileSync(join(CORPUS, rel), "utf8"));

    it("translates the recorded non-streaming responses both ways", () => {
      for (const rel of files.filter((f) => f.endsWith(".json")).map((f) => relative(CORPUS, f))) {
        const body = json(rel);
        if (typeof body === "object" && body !== null && "error" in body) continue;
        if (shapeOf(join(CORPUS, rel)) === "anthropic") {
          const out = anthropicResponseToOpenAI(body as Record<string, unknown>, OPTS);
          expect(out.choices[0]?.finish_reason, rel).toBe("tool_calls");
          expect(out.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe('{"location":"Florence,Italy"}');
          expect(out.usage).toEqual({ prompt_tokens: 394, completion_tokens: 66, total_tokens: 460, prompt_tokens_details: { cached_tokens: 0 } });
        } else {
          const out = openAIResponseToAnthropic(body as Record<string, unknown>, OPTS);
          expect(out.content, rel).toEqual([
            { type: "tool_use", id: "call_TTY8UFNo7rNCaOBUNtlRSvMG", name: "lookup_population", input: { country: "Crumpet" } },
          ]);
          expect(out.stop_reason).toBe("tool_use");
          expect(out.usage).toEqual({
            input_tokens: 92,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 17,
            output_tokens_details: { thinking_tokens: 0 },
          });
        }
      }
    });

    it.each([
      ["anthropic/error-529-overloaded.json", 529, "overloaded_error", true],
      ["openai/error-401-invalid-api-key.json", 401, "authentication_error", false],
      ["openai/error-429-insufficient-quota.json", 429, "rate_limit_error", true],
      ["azure/content-filter-error-400.json", 400, "invalid_request_error", false],
    ] as const)("classifies and translates the error body %s", (rel, status, type, retryable) => {
      const from = shapeOf(join(CORPUS, rel));
      const to: WireFormat = from === "openai" ? "anthropic" : "openai";
      const raw = readFileSync(join(CORPUS, rel), "utf8");
      const body = json(rel) as { error: { message: string } };
      const result = translateErrorBody(from, to, status, raw);
      expect(result.error).toEqual({ type, message: body.error.message, retryable });
      expect(result.status).toBe(status);
      const rendered = JSON.parse(result.body) as Record<string, { message: string }>;
      expect(rendered["error"]?.message).toBe(body.error.message);
      if (to === "anthropic") expect(rendered["type"]).toBe("error");
    });
  },
);
