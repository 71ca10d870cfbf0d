import { FtsIndex } from "./fts-index";
import { FusedIndex } from "./fused-index";
import type { SearchIndex } from "./search-index";
import { SemanticIndex } from "./semantic-index";

/**
 * The deployment's search index: D1 FTS5 everywhere; fused with Workers AI embeddings in
 * Vectorize where both bindings exist (production, wrangler.toml [env.production]).
 */
export function searchIndexFor(env: Env): SearchIndex {
  const fts = new FtsIndex(env.DB);
  if (env.AI && env.VECTORIZE) return new FusedIndex(env.DB, fts, new SemanticIndex(env.AI, env.VECTORIZE));
  return fts;
}
