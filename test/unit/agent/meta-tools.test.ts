// The four meta-tools' definitions stay small whatever the catalog holds (they are the same four
// at any catalog size; here they are measured three ways), are valid on every provider's wire,
// and answers are trimmed to their token budget by dropping whole items from the end.
import { describe, expect, it } from "vitest";
import { GET_TOOL_SCHEMAS, MANAGE_CONNECTIONS, META_TOOLS, MULTI_EXECUTE, SEARCH_TOOLS, trimToBudget } from "../../../runtime/agent/meta-tools";
import { isWireName } from "../../../runtime/agent/tool-names";
import { estimateTokens } from "../../../runtime/threads/context-window";

const BUDGET = 1_500;

/**
 * A BPE-like count: the text split as GPT-style pre-tokenizers split it (words with their
 * leading space, numbers, runs of punctuation), each piece costing one token per 4 characters
 * started. Real BPE merges common words into one token, so this counts high, never low.
 */
function bpeLikeTokens(text: string): number {
  const pieces = text.match(/ ?[A-Za-z]+| ?[0-9]{1,3}| ?[^\sA-Za-z0-9]+|\s+/g) ?? [];
  return pieces.reduce((n, p) => n + Math.ceil(p.length / 4), 0);
}

describe("the four meta-tool definitions", () => {
  it("are the four names of the contract, each valid on the wire, each with an object schema", () => {
    expect(META_TOOLS.map((t) => t.name)).toEqual([SEARCH_TOOLS, GET_TOOL_SCHEMAS, MULTI_EXECUTE, MANAGE_CONNECTIONS]);
    expect(META_TOOLS.map((t) => t.name)).toEqual(["qlaud_search_tools", "qlaud_get_tool_schemas", "qlaud_multi_execute", "qlaud_manage_connections"]);
    for (const t of META_TOOLS) {
      expect(isWireName(t.name)).toBe(true);
      expect(t.input_schema.type).toBe("object");
      expect((t.description ?? "").length).toBeGreaterThan(20);
    }
  });

  it(`cost at most ${BUDGET} tokens together, by estimateTokens, by characters/4 and by a BPE-like count`, () => {
    const json = JSON.stringify(META_TOOLS);
    const byEstimate = estimateTokens(META_TOOLS);
    const byChars = Math.ceil(json.length / 4);
    const byBpe = bpeLikeTokens(json);
    expect(byEstimate).toBeLessThanOrEqual(BUDGET);
    expect(byChars).toBeLessThanOrEqual(BUDGET);
    expect(byBpe).toBeLessThanOrEqual(BUDGET);
    // The counter is not trivially small: the definitions are hundreds of tokens by any count.
    expect(Math.min(byEstimate, byChars, byBpe)).toBeGreaterThan(200);
  });
});

describe("trimToBudget", () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ tool: `vendor/tool_${i}`, description: "d".repeat(200) }));
  const shape = (kept: typeof items, omitted: number) => (omitted > 0 ? { tools: kept, omitted } : { tools: kept });

  it("keeps everything when it fits", () => {
    expect(trimToBudget(items.slice(0, 2), 1_000, shape)).toEqual({ tools: items.slice(0, 2) });
  });

  it("drops whole items from the end until the answer fits, and says how many", () => {
    const out = trimToBudget(items, 500, shape) as { tools: typeof items; omitted: number };
    expect(estimateTokens(out)).toBeLessThanOrEqual(500);
    expect(out.tools.length + out.omitted).toBe(50);
    expect(out.tools).toEqual(items.slice(0, out.tools.length));
    // One more item would not have fitted.
    expect(estimateTokens(shape(items.slice(0, out.tools.length + 1), out.omitted - 1))).toBeGreaterThan(500);
  });

  it("at worst keeps no item (a budget too small for any)", () => {
    expect(trimToBudget(items, 5, shape)).toEqual({ tools: [], omitted: 50 });
  });
});
