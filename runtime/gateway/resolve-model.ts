import { aliases, providers, type ModelPrice, type ProviderEntry } from "../../generated/providers/catalog";
import { ApiError } from "../errors";

/** One provider that can serve the requested model, in the order to try. */
export interface Candidate {
  provider: ProviderEntry;
  /** The provider's own model id (what goes upstream). */
  model: string;
  price: ModelPrice;
}

/**
 * An own entry of a catalog table, never a member inherited from Object.prototype: model
 * names come from requests ("constructor", "mock/__proto__"). The generated tables have no
 * prototype; this holds even for one that does.
 */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * `provider/model` → that one provider; a bare alias → its targets in preference order.
 * Unknown names are a 404 that says how to list models.
 */
export function resolveModel(requested: string): Candidate[] {
  const targets = own(aliases, requested) ?? [requested];
  const out: Candidate[] = [];
  for (const target of targets) {
    const slash = target.indexOf("/");
    const provider = slash > 0 ? own(providers, target.slice(0, slash)) : undefined;
    const model = target.slice(slash + 1);
    const price = provider ? own(provider.models, model) : undefined;
    if (provider && price) out.push({ provider, model, price });
  }
  if (out.length === 0) {
    throw new ApiError(
      "not_found",
      `model ${quoted(requested)} not found: use provider/model or an alias from GET /v1/models (e.g. mock/echo)`,
      { param: "model" },
    );
  }
  return out;
}

/** The requested name for an error message, cut short: a body may carry a 1 MiB model name. */
function quoted(name: string): string {
  return name.length > 120 ? `"${name.slice(0, 120)}…" (${name.length} characters)` : `"${name}"`;
}
