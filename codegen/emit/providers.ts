import type { CatalogView } from "../validate/provider-semantics";
import { tsHeader } from "./header";
import { LOOKUP_TABLE_IMPORT } from "./shared";
import { LookupTable, tsLiteral } from "./ts-literal";

const micros = (usd: number) => Math.round(usd * 1_000_000);

/** `generated/providers/catalog.ts`: providers, prices in integer micro-dollars, aliases and the model list. */
export function emitProviders(c: CatalogView): Record<string, string> {
  // Lookup tables keyed by what requests name (provider, model, alias) have no prototype.
  const providers = new LookupTable(
    c.providers.map((p) => [
      p.id,
      {
        id: p.id,
        name: p.name,
        formats: p.formats,
        transport: p.transport,
        base_url: p.base_url ?? null,
        ai_gateway: p.ai_gateway ?? p.id,
        auth: p.auth ? { header: p.auth.header, prefix: p.auth.prefix ?? "", secret: p.auth.secret } : null,
        headers: p.headers ?? {},
        max_tokens_field: p.max_tokens_field ?? "max_tokens",
        server_tools: Object.fromEntries(
          (p.server_tools ?? []).map((t) => [t.type, { micros_per_use: micros(t.usd_per_use), default_max_uses: t.default_max_uses, sets_max_uses: t.sets_max_uses }]),
        ),
        url_override_var: `UPSTREAM_${p.id.toUpperCase().replaceAll("-", "_")}_URL`,
        models: new LookupTable(
          p.models.map((m) => [
            m.id,
            {
              id: m.id,
              input_micros_per_mtok: micros(m.input_usd_per_mtok),
              output_micros_per_mtok: micros(m.output_usd_per_mtok),
              cached_input_micros_per_mtok: micros(m.cached_input_usd_per_mtok ?? m.input_usd_per_mtok),
              cache_write_micros_per_mtok: micros(m.cache_write_usd_per_mtok ?? m.input_usd_per_mtok),
              cache_write_1h_micros_per_mtok: micros(m.cache_write_1h_usd_per_mtok ?? m.cache_write_usd_per_mtok ?? m.input_usd_per_mtok),
              priority: m.priority
                ? {
                    input_micros_per_mtok: micros(m.priority.input_usd_per_mtok),
                    output_micros_per_mtok: micros(m.priority.output_usd_per_mtok),
                    cached_input_micros_per_mtok: micros(m.priority.cached_input_usd_per_mtok ?? m.priority.input_usd_per_mtok),
                  }
                : null,
              max_output_tokens: m.max_output_tokens,
              context_window: m.context_window ?? null,
            },
          ]),
          "ModelPrice",
        ),
      },
    ]),
    "ProviderEntry",
  );
  const aliases = new LookupTable((c.aliases ?? []).map((a) => [a.id, a.targets]), "readonly string[]");
  const find = (target: string) => {
    const slash = target.indexOf("/");
    const p = c.providers.find((x) => x.id === target.slice(0, slash));
    const m = p?.models.find((x) => x.id === target.slice(slash + 1));
    if (!p || !m) throw new Error(`unknown target ${target}`); // checked in validate
    return { p, m };
  };
  const info = (id: string, targets: string[]) => {
    const { p, m } = find(targets[0] as string);
    return {
      id,
      object: "model" as const,
      created: 0,
      owned_by: p.id,
      providers: targets.map((t) => t.slice(0, t.indexOf("/"))),
      max_output_tokens: m.max_output_tokens,
      pricing: {
        input_usd_per_mtok: m.input_usd_per_mtok,
        output_usd_per_mtok: m.output_usd_per_mtok,
        ...(m.cached_input_usd_per_mtok !== undefined ? { cached_input_usd_per_mtok: m.cached_input_usd_per_mtok } : {}),
      },
    };
  };
  const list = [
    ...c.providers.flatMap((p) => p.models.map((m) => info(`${p.id}/${m.id}`, [`${p.id}/${m.id}`]))),
    ...(c.aliases ?? []).map((a) => info(a.id, a.targets)),
  ].sort((a, b) => a.id.localeCompare(b.id));
  const code = `${tsHeader()}import type { components } from "../api/types";
${LOOKUP_TABLE_IMPORT}

export type WireFormat = "openai" | "anthropic" | "responses";
/** One service tier's prices, integer micro-dollars per million tokens. */
export interface TierPrice {
  input_micros_per_mtok: number;
  output_micros_per_mtok: number;
  cached_input_micros_per_mtok: number;
}
export interface ModelPrice extends TierPrice {
  id: string;
  /** Prompt-cache writes: 5-minute and 1-hour TTL (the input price where a host charges nothing extra). */
  cache_write_micros_per_mtok: number;
  cache_write_1h_micros_per_mtok: number;
  /** Prices under \`service_tier: "priority"\`; null when the host has no priority tier. */
  priority: TierPrice | null;
  max_output_tokens: number;
  context_window: number | null;
}
export interface ServerToolPrice {
  /** Integer micro-dollars per use. */
  micros_per_use: number;
  /** Uses reserved (and forwarded as max_uses when sets_max_uses) when the request sets no max_uses. */
  default_max_uses: number;
  sets_max_uses: boolean;
}
export interface ProviderEntry {
  id: string;
  name: string;
  formats: WireFormat[];
  transport: "http" | "binding" | "builtin";
  base_url: string | null;
  /** Path segment on Cloudflare AI Gateway. */
  ai_gateway: string;
  auth: { header: string; prefix: string; secret: string } | null;
  headers: Record<string, string>;
  /** Which field carries the output limit in requests translated to the OpenAI shape. */
  max_tokens_field: "max_tokens" | "max_completion_tokens";
  /** Tools the provider runs and bills per use, by type (\`web_search\` matches \`web_search_20250305\`). */
  server_tools: Record<string, ServerToolPrice>;
  /** The var that overrides base_url (e.g. for tests): UPSTREAM_<ID>_URL. */
  url_override_var: string;
  /** No prototype: see lookupTable. */
  models: Readonly<Record<string, ModelPrice>>;
}

/** Providers from spec/providers.yaml (no prototype: see lookupTable). */
export const providers: Readonly<Record<string, ProviderEntry>> = ${tsLiteral(providers)};

/** Aliases: bare model names → provider/model targets in preference order (no prototype). */
export const aliases: Readonly<Record<string, readonly string[]>> = ${tsLiteral(aliases)};

/** GET /v1/models. */
export const modelList: components["schemas"]["ModelInfo"][] = ${JSON.stringify(list, null, 2)};
`;
  return { "providers/catalog.ts": code };
}
