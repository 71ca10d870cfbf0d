// Fakes of the two production-only bindings (no local simulator exists): Workers AI's embedding
// call and a Vectorize index with Vectorize's metadata filter semantics.
import { EMBEDDING_MODEL, type EmbeddingAi } from "../../../runtime/search/semantic-index";

const DIMS = 64;
/** Words that mean the same thing share a dimension, so "automobile" is near "car" as a real model would place it. */
const CONCEPTS: Record<string, number> = { car: 0, cars: 0, automobile: 0, vehicle: 0, auto: 0, dog: 1, puppy: 1, canine: 1, hound: 1 };

function embed(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 7;
    for (const c of w) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 1_000_003;
    v[CONCEPTS[w] ?? 2 + (h % (DIMS - 2))]! += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** Env.AI for the embedding model only; counts calls. */
export function fakeAi(): EmbeddingAi & { calls: number } {
  const fake = {
    calls: 0,
    // Ai.run is one generic overloaded method; the fake implements the embedding overload only.
    run: (async (model: string, inputs: { text: string[] }) => {
      if (model !== EMBEDDING_MODEL) throw new Error(`fake AI knows only ${EMBEDDING_MODEL}, got ${model}`);
      fake.calls++;
      return { shape: [inputs.text.length, DIMS], data: inputs.text.map(embed) };
    }) as unknown as Ai["run"],
  };
  return fake;
}

type Filter = VectorizeVectorMetadataFilter;

function matches(metadata: Record<string, VectorizeVectorMetadata> | undefined, filter: Filter | undefined): boolean {
  for (const [field, cond] of Object.entries(filter ?? {})) {
    const value = metadata?.[field] ?? null;
    if (cond === null || typeof cond !== "object") {
      if (value !== cond) return false;
      continue;
    }
    const c = cond as Record<string, unknown>;
    if ("$eq" in c && value !== c.$eq) return false;
    if ("$ne" in c && value === c.$ne) return false;
    if ("$in" in c && !(c.$in as unknown[]).includes(value)) return false;
    if ("$nin" in c && (c.$nin as unknown[]).includes(value)) return false;
  }
  return true;
}

/** A Vectorize index in memory. `leaky`: ignores the query filter (a bug in the index must not leak across scopes). */
export class FakeVectorize implements VectorizeIndex {
  readonly vectors = new Map<string, VectorizeVector>();
  constructor(private readonly opts: { leaky?: boolean } = {}) {}

  async describe(): Promise<VectorizeIndexDetails> {
    return { id: "fake", name: "gatehouse-messages", config: { dimensions: DIMS, metric: "cosine" }, vectorsCount: this.vectors.size };
  }
  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    const q = [...vector];
    const scored = [...this.vectors.values()]
      .filter((v) => this.opts.leaky || matches(v.metadata, options.filter))
      .map((v) => ({ v, score: [...v.values].reduce((s, x, i) => s + x * (q[i] ?? 0), 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, options.topK ?? 5);
    const withMeta = options.returnMetadata !== undefined && options.returnMetadata !== false && options.returnMetadata !== "none";
    const out = scored.map(({ v, score }) => ({ id: v.id, score, ...(withMeta ? { metadata: v.metadata } : {}) }));
    return { matches: out, count: out.length };
  }
  async insert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    for (const v of vectors) if (this.vectors.has(v.id)) throw new Error(`vector ${v.id} exists`);
    return this.upsert(vectors);
  }
  async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    for (const v of vectors) {
      if (new TextEncoder().encode(v.id).length > 64) throw new Error(`vector id over 64 bytes: ${v.id}`);
      this.vectors.set(v.id, v);
    }
    return { ids: vectors.map((v) => v.id), count: vectors.length };
  }
  async deleteByIds(ids: string[]): Promise<VectorizeVectorMutation> {
    const gone = ids.filter((id) => this.vectors.delete(id));
    return { ids: gone, count: gone.length };
  }
  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return ids.flatMap((id) => this.vectors.get(id) ?? []);
  }
}
