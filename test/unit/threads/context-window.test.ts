// The context window: which earlier messages of a thread reach the model. Property tests over
// random threads (a seeded generator, so a failure names its seed and replays): the newest whole
// turns that fit, the same whatever the page size, never a tool_use without its tool_result.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../support/random";
import { ContextWindow, contextBudget, DEFAULT_CONTEXT_WINDOW, estimateTokens, fitContext, messageTokens, startsTurn, type StoredMessage } from "../../../runtime/threads/context-window";

const rng = seededRandom;

/** A thread of whole turns: user text, then 0–3 tool rounds (assistant tool_use, user tool_result), then assistant text. Tokens sometimes 0 (estimated). */
function randomThread(r: () => number, turns: number): StoredMessage[] {
  const out: StoredMessage[] = [];
  const tokens = () => (r() < 0.2 ? 0 : 1 + Math.floor(r() * 400));
  const push = (role: "user" | "assistant", content: StoredMessage["content"]) => out.push({ seq: out.length + 1, role, content, tokens: tokens() });
  for (let t = 0; t < turns; t++) {
    push("user", [{ type: "text", text: "q".repeat(Math.floor(r() * 300)) }]);
    const rounds = Math.floor(r() * 4);
    for (let i = 0; i < rounds; i++) {
      const id = `toolu_${t}_${i}`;
      push("assistant", [{ type: "text", text: "let me look" }, { type: "tool_use", id, name: "lookup", input: { i } }]);
      push("user", [{ type: "tool_result", tool_use_id: id, content: "x".repeat(Math.floor(r() * 500)) }]);
    }
    push("assistant", [{ type: "text", text: "a".repeat(Math.floor(r() * 300)) }]);
  }
  return out;
}

const sum = (ms: readonly StoredMessage[]) => ms.reduce((n, m) => n + messageTokens(m), 0);

/** The reference answer, computed the slow, obvious way: split into turns, keep the newest suffix of whole turns that fits. */
function reference(thread: readonly StoredMessage[], budget: number): StoredMessage[] {
  const turns: StoredMessage[][] = [];
  for (const m of thread) {
    if (startsTurn(m) || turns.length === 0) turns.push([m]);
    else turns[turns.length - 1]?.push(m);
  }
  let kept: StoredMessage[] = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const candidate = [...(turns[i] ?? []), ...kept];
    if (sum(candidate) > budget) break;
    kept = candidate;
  }
  return kept;
}

function offerInPages(thread: readonly StoredMessage[], budget: number, pageSize: number): { messages: StoredMessage[]; pagesRead: number } {
  const w = new ContextWindow(budget);
  const newestFirst = [...thread].reverse();
  let pagesRead = 0;
  for (let i = 0; i < newestFirst.length; i += pageSize) {
    pagesRead++;
    if (!w.offer(newestFirst.slice(i, i + pageSize))) break;
  }
  return { messages: w.messages(), pagesRead };
}

describe("ContextWindow over random threads (300 seeds)", () => {
  for (let seed = 1; seed <= 300; seed++) {
    it(`seed ${seed}`, () => {
      const r = rng(seed);
      const thread = randomThread(r, 1 + Math.floor(r() * 25));
      const budget = Math.floor(r() * sum(thread) * 1.2);
      const got = fitContext([...thread].reverse(), budget);

      // The newest whole turns that fit, no more, no fewer.
      expect(got.map((m) => m.seq)).toEqual(reference(thread, budget).map((m) => m.seq));
      expect(sum(got)).toBeLessThanOrEqual(budget);
      if (got.length > 0) {
        // A suffix of the thread, starting a turn with a user message.
        expect(got.at(-1)?.seq).toBe(thread.length);
        expect(got.map((m) => m.seq)).toEqual(thread.slice(thread.length - got.length).map((m) => m.seq));
        expect(startsTurn(got[0] as StoredMessage)).toBe(true);
      }
      // Roles alternate.
      got.forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? "user" : "assistant"));
      // Every tool_use has its tool_result in the context, and every tool_result its tool_use.
      const uses = got.flatMap((m) => m.content.filter((b) => b.type === "tool_use").map((b) => b["id"]));
      const results = got.flatMap((m) => m.content.filter((b) => b.type === "tool_result").map((b) => b["tool_use_id"]));
      expect(results.sort()).toEqual(uses.sort());

      // The same answer whatever the page size.
      for (const pageSize of [1, 3, 7, 200]) expect(offerInPages(thread, budget, pageSize).messages).toEqual(got);
    });
  }
});

describe("ContextWindow reads only the pages it needs", () => {
  it("a 10,000-message thread with a budget of a few turns reads one page of 200", () => {
    const thread: StoredMessage[] = [];
    for (let i = 1; i <= 10_000; i++) thread.push({ seq: i, role: i % 2 === 1 ? "user" : "assistant", content: [{ type: "text", text: "hi" }], tokens: 100 });
    const { messages, pagesRead } = offerInPages(thread, 5_000, 200);
    expect(messages).toHaveLength(50);
    expect(messages[0]?.seq).toBe(9_951);
    expect(pagesRead).toBe(1);
  });

  it("a turn too large for the whole budget leaves an empty context (older turns are not skipped to)", () => {
    const thread: StoredMessage[] = [
      { seq: 1, role: "user", content: [{ type: "text", text: "small" }], tokens: 5 },
      { seq: 2, role: "assistant", content: [{ type: "text", text: "small" }], tokens: 5 },
      { seq: 3, role: "user", content: [{ type: "text", text: "big" }], tokens: 5_000 },
      { seq: 4, role: "assistant", content: [{ type: "text", text: "big" }], tokens: 5 },
    ];
    expect(fitContext([...thread].reverse(), 100)).toEqual([]);
  });

  it("an oldest partial turn (no user start read) is left out", () => {
    const thread: StoredMessage[] = [
      { seq: 1, role: "assistant", content: [{ type: "tool_use", id: "t", name: "n", input: {} }], tokens: 1 },
      { seq: 2, role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "r" }], tokens: 1 },
      { seq: 3, role: "assistant", content: [{ type: "text", text: "done" }], tokens: 1 },
      { seq: 4, role: "user", content: [{ type: "text", text: "next" }], tokens: 1 },
      { seq: 5, role: "assistant", content: [{ type: "text", text: "ok" }], tokens: 1 },
    ];
    expect(fitContext([...thread].reverse(), 1_000).map((m) => m.seq)).toEqual([4, 5]);
  });
});

describe("contextBudget and estimates", () => {
  it("window − output − new turn − margin; unknown windows use the default; never negative", () => {
    expect(contextBudget({ contextWindow: 32_768, maxTokens: 1_000, newTokens: 500 })).toBe(32_768 - 1_000 - 500 - 1_639);
    expect(contextBudget({ contextWindow: null, maxTokens: 0, newTokens: 0 })).toBe(DEFAULT_CONTEXT_WINDOW - 6_400);
    expect(contextBudget({ contextWindow: 8_000, maxTokens: 8_000, newTokens: 10 })).toBe(0);
  });

  it("estimates ≈ bytes / 4 of the JSON, counting UTF-8 bytes; stored counts win over estimates", () => {
    expect(estimateTokens([{ type: "text", text: "abcd" }])).toBe(Math.ceil('[{"type":"text","text":"abcd"}]'.length / 4));
    expect(estimateTokens("ééééé")).toBe(3); // 12 bytes with quotes
    expect(messageTokens({ seq: 1, role: "user", content: [{ type: "text", text: "x".repeat(4000) }], tokens: 7 })).toBe(7);
  });
});
