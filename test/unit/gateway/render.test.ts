// The surface renderers over complete()'s events give what the translator gave before
// complete() existed (parse → render in one step): the same SSE text and the same JSON.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderJson } from "../../../runtime/gateway/render-json";
import { renderSse } from "../../../runtime/gateway/render-sse";
import { anthropicResponseToOpenAI, createStreamTranslator, openAIResponseToAnthropic, type IrStreamEvent } from "../../../runtime/translate";

const FIXTURES = join(__dirname, "../../../fixtures/complete");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const irOf = (name: string) => JSON.parse(read(name)) as IrStreamEvent[];
async function* batches(events: IrStreamEvent[], size: number) {
  for (let i = 0; i < events.length; i += size) yield events.slice(i, i + size);
}
const opts = { model: "asked-model", messageId: "id_fixed", created: 1_700_000_000, includeUsage: true };

describe("surface renderers over IR events", () => {
  it.each([
    ["anthropic-tool-use-stream", "anthropic", "openai"],
    ["openai-include-usage-stream", "openai", "anthropic"],
  ] as const)("%s → %s SSE: byte for byte what the stream translator writes", async (name, from, to) => {
    const tr = createStreamTranslator(from, to, opts);
    const expected = tr.push(read(`${name}.sse`)) + tr.end();
    const body = renderSse(to, batches(irOf(`${name}.ir.json`), 3), opts);
    expect(await new Response(body).text()).toBe(expected);
  });

  it("a whole answer → JSON in the other shape: what the response translator writes", async () => {
    const body = JSON.parse(read("openai-tool-calls.json"));
    const text = await renderJson("anthropic", batches(irOf("openai-tool-calls.ir.json"), 100), opts);
    expect(JSON.parse(text)).toEqual(openAIResponseToAnthropic(body, opts));
  });

  it("events folded from an Anthropic stream render as the OpenAI JSON a whole answer gives", async () => {
    const text = await renderJson("openai", batches(irOf("anthropic-tool-use-stream.ir.json"), 5), opts);
    const parsed = JSON.parse(text) as ReturnType<typeof anthropicResponseToOpenAI>;
    expect(parsed.choices[0]?.finish_reason).toBe("tool_calls");
    expect(parsed.choices[0]?.message.tool_calls?.[0]?.function.name).toBeTruthy();
    expect(parsed.model).toBe("asked-model");
  });
});
