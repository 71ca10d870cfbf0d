// Model ids as clients send them: dated snapshots and bare ids resolve to the catalog's model
// (billed at its price, sent upstream as named); ids listed nowhere follow the operator's
// UNLISTED_MODEL_ROUTES, held at the family's dearest listed price.
import { describe, expect, it } from "vitest";
import { providers } from "../../../generated/providers/catalog";
import { readConfig } from "../../../runtime/config";
import { ApiError } from "../../../runtime/errors";
import { dearestPrice, parseUnlistedRoutes, undatedModel } from "../../../runtime/gateway/model-ids";
import { resolveModel, type Candidate } from "../../../runtime/gateway/resolve-model";

const names = (cs: Candidate[]) => cs.map((c) => `${c.provider.id}/${c.model} @ ${c.price.id}`);
const catalog = (p: string, m: string) => providers[p]?.models[m];

describe("resolveModel: ids as Claude Code and the SDKs send them", () => {
  it.each([
    // Claude Code's defaults (dated), billed as the catalog's model, sent as named.
    ["claude-haiku-4-5-20251001", ["anthropic/claude-haiku-4-5-20251001 @ claude-haiku-4-5"]],
    ["claude-opus-4-5-20251101", ["anthropic/claude-opus-4-5-20251101 @ claude-opus-4-5"]],
    // A dated id whose undated name is an alias: the snapshot to its own provider, the others their ids.
    ["claude-sonnet-4-5-20250929", ["anthropic/claude-sonnet-4-5-20250929 @ claude-sonnet-4-5", "openrouter/anthropic/claude-sonnet-4.5 @ anthropic/claude-sonnet-4.5"]],
    // Bare undated ids the catalog lists under their family's provider.
    ["claude-haiku-4-5", ["anthropic/claude-haiku-4-5 @ claude-haiku-4-5"]],
    ["gpt-4o", ["openai/gpt-4o @ gpt-4o"]],
    // OpenAI snapshots, bare and prefixed.
    ["gpt-4o-2024-08-06", ["openai/gpt-4o-2024-08-06 @ gpt-4o"]],
    ["openai/gpt-4o-2024-08-06", ["openai/gpt-4o-2024-08-06 @ gpt-4o"]],
    ["anthropic/claude-haiku-4-5-20251001", ["anthropic/claude-haiku-4-5-20251001 @ claude-haiku-4-5"]],
    ["gpt-4o-mini-2024-07-18", ["openai/gpt-4o-mini-2024-07-18 @ gpt-4o-mini", "openrouter/openai/gpt-4o-mini @ openai/gpt-4o-mini"]],
  ])("%s", (id, expected) => {
    expect(names(resolveModel(id))).toEqual(expected);
  });

  it("the price of a snapshot is its catalog model's", () => {
    expect(resolveModel("claude-haiku-4-5-20251001")[0]?.price).toBe(catalog("anthropic", "claude-haiku-4-5"));
  });

  it("an id listed nowhere is a 404 unless the operator routes its family", () => {
    expect(() => resolveModel("claude-opus-4-1-20250805")).toThrow(ApiError);
    const [c] = resolveModel("claude-opus-4-1-20250805", [{ prefix: "claude-", provider: "anthropic" }]);
    expect(c?.provider.id).toBe("anthropic");
    expect(c?.model).toBe("claude-opus-4-1-20250805");
    // Held at the dearest claude-* model in every term, so the bound stays true.
    const opus = catalog("anthropic", "claude-opus-4-5");
    expect(c?.price.output_micros_per_mtok).toBe(opus?.output_micros_per_mtok);
    expect(c?.price.input_micros_per_mtok).toBe(opus?.input_micros_per_mtok);
    expect(c?.price.cache_write_1h_micros_per_mtok).toBe(opus?.cache_write_1h_micros_per_mtok);
  });

  it("a routed family never catches a listed id, nor a `provider/…` id, nor another family", () => {
    const routes = [{ prefix: "claude-", provider: "anthropic" }];
    expect(names(resolveModel("claude-haiku-4-5", routes))).toEqual(["anthropic/claude-haiku-4-5 @ claude-haiku-4-5"]);
    expect(() => resolveModel("anthropic/claude-9", routes)).toThrow(ApiError);
    expect(() => resolveModel("gpt-9", routes)).toThrow(ApiError);
  });
});

describe("model-ids helpers", () => {
  it("undatedModel drops Anthropic's and OpenAI's date suffixes only", () => {
    expect(undatedModel("claude-haiku-4-5-20251001")).toBe("claude-haiku-4-5");
    expect(undatedModel("gpt-4o-2024-08-06")).toBe("gpt-4o");
    expect(undatedModel("claude-haiku-4-5")).toBeUndefined();
    expect(undatedModel("llama-3.3-70b")).toBeUndefined();
  });

  it("dearestPrice takes each term's maximum over the family", () => {
    const p = dearestPrice("gpt-9", providers.openai!, "gpt-");
    const all = Object.values(providers.openai!.models);
    expect(p?.output_micros_per_mtok).toBe(Math.max(...all.map((m) => m.output_micros_per_mtok)));
    expect(p?.context_window).toBe(Math.max(...all.map((m) => m.context_window ?? 0)));
    expect(p?.max_output_tokens).toBe(Math.max(...all.map((m) => m.max_output_tokens)));
    expect(p?.priority?.output_micros_per_mtok).toBe(Math.max(...all.map((m) => m.priority?.output_micros_per_mtok ?? 0)));
  });

  it("UNLISTED_MODEL_ROUTES is checked at start: pairs of prefix* and a catalog provider", () => {
    const known = new Set(["anthropic", "openai"]);
    expect(parseUnlistedRoutes(" claude-*=anthropic, gpt-*=openai ", known)).toEqual([
      { prefix: "claude-", provider: "anthropic" },
      { prefix: "gpt-", provider: "openai" },
    ]);
    expect(parseUnlistedRoutes("claude-=anthropic", known)).toMatch(/prefix\*=provider/);
    expect(parseUnlistedRoutes("claude-*=nobody", known)).toMatch(/not one/);
    expect(readConfig({ UNLISTED_MODEL_ROUTES: "claude-*=anthropic" }).unlistedRoutes).toEqual([{ prefix: "claude-", provider: "anthropic" }]);
    expect(() => readConfig({ UNLISTED_MODEL_ROUTES: "claude-*=nobody" })).toThrow(/UNLISTED_MODEL_ROUTES/);
  });
});
