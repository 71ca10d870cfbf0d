import type { Diagnostic } from "../diagnostics";
import { jsonPathOf } from "../diagnostics";
import type { YamlSource } from "../load/yaml-source";

export interface ProviderModelView {
  id: string;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cached_input_usd_per_mtok?: number;
  cache_write_usd_per_mtok?: number;
  cache_write_1h_usd_per_mtok?: number;
  priority?: { input_usd_per_mtok: number; output_usd_per_mtok: number; cached_input_usd_per_mtok?: number };
  max_output_tokens: number;
  context_window?: number;
}
export interface ProviderView {
  id: string;
  name: string;
  formats: ("openai" | "anthropic" | "responses")[];
  transport: "http" | "binding" | "builtin";
  base_url?: string;
  ai_gateway?: string;
  auth?: { header: string; prefix?: string; secret: string };
  headers?: Record<string, string>;
  max_tokens_field?: "max_tokens" | "max_completion_tokens";
  server_tools?: { type: string; usd_per_use: number; default_max_uses: number; sets_max_uses: boolean }[];
  models: ProviderModelView[];
}
export interface CatalogView {
  providers: ProviderView[];
  aliases?: { id: string; targets: string[] }[];
}

export const PROVIDERS_SCHEMA_COMMENT = "../generated/schemas/provider-catalog.schema.json";

/** Duplicates, transport requirements and alias targets that must exist. */
export function checkProviderSemantics(src: YamlSource, c: CatalogView): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (at: (string | number)[], message: string, hint: string) => {
    const { line, column } = src.position(at);
    out.push({ file: src.file, line, column, jsonPath: jsonPathOf(at), message, hint });
  };
  if (src.schemaComment !== PROVIDERS_SCHEMA_COMMENT) {
    // Point at line 1 itself: the document's first node may start lower when line 1 is a wrong comment.
    out.push({ file: src.file, line: 1, column: 1, jsonPath: "$", message: "the first line must point editors at the provider catalog schema", hint: `make line 1: # yaml-language-server: $schema=${PROVIDERS_SCHEMA_COMMENT}` });
  }
  const ids = new Set<string>();
  const models = new Set<string>();
  c.providers.forEach((p, i) => {
    if (ids.has(p.id)) report(["providers", i, "id"], `duplicate provider id "${p.id}"`, "give each provider a unique id");
    ids.add(p.id);
    if (p.transport === "http" && !p.base_url) report(["providers", i], `provider "${p.id}" uses transport http but has no base_url`, "add base_url");
    // Production calls base_url as written (overrides are ignored there): prompts and keys travel over TLS only.
    if (p.base_url && !p.base_url.startsWith("https://")) report(["providers", i, "base_url"], `provider "${p.id}" has a base_url that is not https`, "use the provider's https:// API root");
    // A caller's format the provider lacks is translated to its first: Chat and Messages never to the Responses API.
    if (p.formats[0] === "responses") report(["providers", i, "formats"], `provider "${p.id}" lists responses first`, "list openai or anthropic first; responses only adds the Responses surface's pass-through");
    if (p.transport === "http" && !p.auth) report(["providers", i], `provider "${p.id}" uses transport http but has no auth`, "add auth: {header, prefix, secret}");
    const own = new Set<string>();
    p.models.forEach((m, j) => {
      if (own.has(m.id)) report(["providers", i, "models", j, "id"], `duplicate model "${m.id}" in provider "${p.id}"`, "list each model once");
      own.add(m.id);
      models.add(`${p.id}/${m.id}`);
      // The worst case prices cached input at the dearest write rate; a write cheaper than a plain read would make that wrong.
      const write5m = m.cache_write_usd_per_mtok ?? m.input_usd_per_mtok;
      if (write5m < m.input_usd_per_mtok) report(["providers", i, "models", j, "cache_write_usd_per_mtok"], `model "${m.id}": a cache write cannot cost less than plain input`, "set cache_write_usd_per_mtok ≥ input_usd_per_mtok, or leave it out");
      if ((m.cache_write_1h_usd_per_mtok ?? write5m) < write5m) report(["providers", i, "models", j, "cache_write_1h_usd_per_mtok"], `model "${m.id}": a 1-hour cache write cannot cost less than a 5-minute one`, "set cache_write_1h_usd_per_mtok ≥ cache_write_usd_per_mtok, or leave it out");
    });
    const tools = new Set<string>();
    (p.server_tools ?? []).forEach((t, j) => {
      if (tools.has(t.type)) report(["providers", i, "server_tools", j, "type"], `duplicate server tool "${t.type}" in provider "${p.id}"`, "list each server tool once");
      tools.add(t.type);
    });
  });
  (c.aliases ?? []).forEach((a, i) => {
    if (models.has(a.id) || ids.has(a.id)) report(["aliases", i, "id"], `alias "${a.id}" collides with a provider or model id`, "rename the alias");
    a.targets.forEach((t, j) => {
      if (!models.has(t)) report(["aliases", i, "targets", j], `alias target "${t}" is not a provider/model in this catalog`, "use provider-id/model-id of a listed model");
    });
  });
  return out;
}
