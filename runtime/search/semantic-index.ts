// The semantic half of production search: Workers AI embeddings in a Vectorize index.
// Each vector's id is derived from its message's key (scope-tokens.ts) and its metadata holds
// only the hashed scope tokens, so Vectorize never sees a raw tenant or end user id. A query
// filters on those tokens (metadata indexes on `tenant` and `end_user` are required: see
// README.md); the caller still resolves every match in D1 under its scope before trusting it.
import { endUserToken, tenantToken, vectorId } from "./scope-tokens";
import type { SearchDoc, SearchQuery } from "./search-index";

export const EMBEDDING_MODEL = "@cf/baai/bge-base-en-v1.5";
/** bge-base-en-v1.5's output size: the Vectorize index must be created with it. */
export const EMBEDDING_DIMENSIONS = 768;
/** Texts per Workers AI call (its batch limit for this model is 100). */
const EMBED_BATCH = 100;
/** bge reads 512 tokens; more characters only cost transfer. */
const EMBED_MAX_CHARS = 2_000;
/** Ids per deleteByIds call (Vectorize takes up to 1000). */
const DELETE_BATCH = 1_000;

/** The parts of the bindings used here (the production `env.AI` and `env.VECTORIZE` satisfy them). */
export type EmbeddingAi = Pick<Ai, "run">;
export type VectorStore = Pick<VectorizeIndex, "upsert" | "query" | "deleteByIds">;

export class SemanticIndex {
  constructor(
    private readonly ai: EmbeddingAi,
    private readonly vectors: VectorStore,
  ) {}

  /** Embeds and upserts the docs (upsert: re-delivery rewrites the same ids). */
  async upsert(docs: readonly SearchDoc[]): Promise<void> {
    const withText = docs.filter((d) => d.text.trim() !== "");
    if (withText.length === 0) return;
    const values = await this.embed(withText.map((d) => d.text));
    const vectors = await Promise.all(
      withText.map(async (d, i): Promise<VectorizeVector> => ({
        id: await vectorId(d.tenantId, d.threadId, d.seq),
        values: values[i] as number[],
        metadata: { tenant: await tenantToken(d.tenantId), end_user: await endUserToken(d.tenantId, d.endUserId) },
      })),
    );
    await this.vectors.upsert(vectors);
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += DELETE_BATCH) await this.vectors.deleteByIds(ids.slice(i, i + DELETE_BATCH));
  }

  /** The nearest vectors' ids within the query's tenant (and end user), nearest first. */
  async nearest(query: SearchQuery, topK: number): Promise<string[]> {
    const [vector] = await this.embed([query.q]);
    const tenant = await tenantToken(query.tenantId);
    const endUser = query.endUserId === undefined ? undefined : await endUserToken(query.tenantId, query.endUserId);
    const filter: VectorizeVectorMetadataFilter = endUser === undefined ? { tenant: { $eq: tenant } } : { tenant: { $eq: tenant }, end_user: { $eq: endUser } };
    const res = await this.vectors.query(vector as number[], { topK, filter, returnMetadata: "indexed" });
    // The filter is Vectorize's promise; the metadata check is ours (and D1 checks again).
    return res.matches.filter((m) => m.metadata?.tenant === tenant && (endUser === undefined || m.metadata?.end_user === endUser)).map((m) => m.id);
  }

  private async embed(texts: readonly string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      const batch = texts.slice(i, i + EMBED_BATCH).map((t) => t.slice(0, EMBED_MAX_CHARS));
      const res = await this.ai.run(EMBEDDING_MODEL, { text: batch });
      const data = "data" in res ? res.data : undefined;
      if (!data || data.length !== batch.length) throw new Error(`${EMBEDDING_MODEL} returned ${data?.length ?? 0} embeddings for ${batch.length} texts`);
      out.push(...data);
    }
    return out;
  }
}
