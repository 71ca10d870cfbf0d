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
 * `provider/model` → that one provider; a bare alias → its targets in preference order.
 * Unknown names are a 404 that says how to list models.
 */
export function resolveModel(requested: string): Candidate[] {
  const targets = aliases[requested] ?? [requested];
  const out: Candidate[] = [];
  for (const target of targets) {
    const slash = target.indexOf("/");
    const provider = slash > 0 ? providers[target.slice(0, slash)] : undefined;
    const model = target.slice(slash + 1);
    const price = provider?.models[model];
    if (provider && price) out.push({ provider, model, price });
  }
  if (out.length === 0) {
    throw new ApiError(
      "not_found",
      `model "${requested}" not found: use provider/model or an alias from GET /v1/models (e.g. mock/echo)`,
      "model",
    );
  }
  return out;
}
