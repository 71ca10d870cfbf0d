// Model ids as clients send them. Claude Code and the Anthropic SDK name dated snapshots
// (`claude-haiku-4-5-20251001`), OpenAI's SDKs dated snapshots too (`gpt-4o-2024-08-06`),
// and both send bare ids without Gatehouse's `provider/` prefix. A snapshot is billed as the
// catalog's model it belongs to and sent upstream as the client named it (the provider knows
// its own snapshots). Ids the catalog does not list at all go where the operator's
// UNLISTED_MODEL_ROUTES sends them, priced at the dearest listed model of that family.
import type { ModelPrice, ProviderEntry, TierPrice } from "../../generated/providers/catalog";

/** `claude-*=anthropic`: a bare id starting with `prefix` goes to `provider` when the catalog lists it nowhere. */
export interface UnlistedRoute {
  prefix: string;
  provider: string;
}

/**
 * The undated model a snapshot id belongs to: Anthropic's `-YYYYMMDD` and OpenAI's
 * `-YYYY-MM-DD` suffixes dropped; undefined when the id carries no date.
 */
export function undatedModel(id: string): string | undefined {
  const m = /^(.+?)-(?:20\d{6}|20\d{2}-\d{2}-\d{2})$/.exec(id);
  return m?.[1];
}

/** Which first-party provider a bare id's family belongs to (the one that knows its snapshots). */
export function homeProvider(id: string): string | undefined {
  if (id.startsWith("claude-")) return "anthropic";
  if (/^(gpt-|o\d|chatgpt-)/.test(id)) return "openai";
  return undefined;
}

/**
 * Parses UNLISTED_MODEL_ROUTES: `prefix*=provider` pairs, comma-separated (e.g.
 * `claude-*=anthropic, gpt-*=openai`). Returns the routes, or the reason the value is wrong.
 */
export function parseUnlistedRoutes(value: string, knownProviders: ReadonlySet<string>): UnlistedRoute[] | string {
  const routes: UnlistedRoute[] = [];
  for (const part of value.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const m = /^([A-Za-z0-9._:@/-]+)\*=([a-z0-9-]+)$/.exec(item);
    if (!m) return `"prefix*=provider" pairs separated by commas (e.g. "claude-*=anthropic"); "${item.slice(0, 40)}" is not one`;
    const [, prefix, provider] = m as unknown as [string, string, string];
    if (!knownProviders.has(provider)) return `pairs naming catalog providers; "${provider.slice(0, 40)}" is not one`;
    routes.push({ prefix, provider });
  }
  return routes;
}

/** The route for an unlisted bare id: the longest matching prefix. */
export function routeFor(id: string, routes: readonly UnlistedRoute[]): UnlistedRoute | undefined {
  let best: UnlistedRoute | undefined;
  for (const r of routes) if (id.startsWith(r.prefix) && (best === undefined || r.prefix.length > best.prefix.length)) best = r;
  return best;
}

/**
 * A price no lower than any listed model of the family (ids starting with `prefix`, or the
 * whole provider when none does) in every term — input, output, cache, priority, windows —
 * so a worst case held at it bounds whichever model the unlisted id turns out to be.
 */
export function dearestPrice(id: string, provider: ProviderEntry, prefix: string): ModelPrice | undefined {
  const all = Object.values(provider.models);
  const family = all.filter((p) => p.id.startsWith(prefix));
  const prices = family.length > 0 ? family : all;
  if (prices.length === 0) return undefined;
  const max = (f: (p: ModelPrice) => number) => Math.max(...prices.map(f));
  const tiers = prices.map((p) => p.priority).filter((t): t is TierPrice => t !== null);
  const tierMax = (f: (t: TierPrice) => number) => Math.max(...tiers.map(f));
  const windows = prices.map((p) => p.context_window);
  return {
    id,
    input_micros_per_mtok: max((p) => p.input_micros_per_mtok),
    output_micros_per_mtok: max((p) => p.output_micros_per_mtok),
    cached_input_micros_per_mtok: max((p) => p.cached_input_micros_per_mtok),
    cache_write_micros_per_mtok: max((p) => p.cache_write_micros_per_mtok),
    cache_write_1h_micros_per_mtok: max((p) => p.cache_write_1h_micros_per_mtok),
    // Priority is dearer than standard: held at the dearest priority list when any model has one.
    priority: tiers.length === 0 ? null : { input_micros_per_mtok: tierMax((t) => t.input_micros_per_mtok), output_micros_per_mtok: tierMax((t) => t.output_micros_per_mtok), cached_input_micros_per_mtok: tierMax((t) => t.cached_input_micros_per_mtok) },
    max_output_tokens: max((p) => p.max_output_tokens),
    // An unknown window is the worst case's "largest of any catalog model" (worst-case.ts).
    context_window: windows.includes(null) ? null : Math.max(...(windows as number[])),
  };
}
