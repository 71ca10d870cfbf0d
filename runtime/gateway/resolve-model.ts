import { aliases, providers, type ModelPrice, type ProviderEntry } from "../../generated/providers/catalog";
import { ApiError } from "../errors";
import { dearestPrice, homeProvider, routeFor, undatedModel, type UnlistedRoute } from "./model-ids";

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
 * `provider/model` → that one provider; a bare alias → its targets in preference order; a
 * bare model id (as Claude Code and the SDKs send it) → the provider of its family that lists
 * it (model-ids.ts). A dated snapshot is priced as its undated catalog model and sent as named.
 * An id listed nowhere goes where `routes` (UNLISTED_MODEL_ROUTES) sends it, held at its
 * family's dearest price. Anything else is a 404 that says how to list models.
 */
export function resolveModel(requested: string, routes: readonly UnlistedRoute[] = []): Candidate[] {
  const undated = undatedModel(requested);
  const aliased = own(aliases, requested) ?? (undated === undefined ? undefined : own(aliases, undated));
  const out: Candidate[] = [];
  if (aliased) {
    for (const target of aliased) {
      const c = listed(target);
      // The alias of a snapshot: its own provider gets the snapshot id, others their own ids.
      if (c) out.push(undated !== undefined && c.model === undated && c.provider.id === homeProvider(requested) ? { ...c, model: requested } : c);
    }
  } else {
    const c = listed(requested) ?? bare(requested, undated) ?? unlisted(requested, routes);
    if (c) out.push(c);
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

/** `provider/model` as the catalog lists it, or a dated snapshot of a listed model (sent as named). */
function listed(target: string): Candidate | undefined {
  const slash = target.indexOf("/");
  const provider = slash > 0 ? own(providers, target.slice(0, slash)) : undefined;
  if (!provider) return undefined;
  const model = target.slice(slash + 1);
  const price = own(provider.models, model) ?? own(provider.models, undatedModel(model) ?? "");
  return price ? { provider, model, price } : undefined;
}

/** A bare id its family's own provider lists (`claude-haiku-4-5`, `claude-haiku-4-5-20251001`). */
function bare(requested: string, undated: string | undefined): Candidate | undefined {
  const home = homeProvider(requested);
  const provider = home === undefined ? undefined : own(providers, home);
  if (!provider) return undefined;
  const price = own(provider.models, requested) ?? own(provider.models, undated ?? "");
  return price ? { provider, model: requested, price } : undefined;
}

/** An id the catalog lists nowhere, routed by the operator: sent as named, held at the family's dearest. */
function unlisted(requested: string, routes: readonly UnlistedRoute[]): Candidate | undefined {
  if (requested.includes("/")) return undefined;
  const route = routeFor(requested, routes);
  const provider = route === undefined ? undefined : own(providers, route.provider);
  const price = provider && route ? dearestPrice(requested, provider, route.prefix) : undefined;
  return provider && price ? { provider, model: requested, price } : undefined;
}

/** The requested name for an error message, cut short: a body may carry a 1 MiB model name. */
function quoted(name: string): string {
  return name.length > 120 ? `"${name.slice(0, 120)}…" (${name.length} characters)` : `"${name}"`;
}
