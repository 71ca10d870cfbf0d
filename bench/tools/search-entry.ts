// bench:tools' search Worker: only searchCatalog behind one route, so the figure is the search
// inside workerd and nothing else. POST /search {queries, reps, limit} runs each query `reps`
// times back to back and answers the mean milliseconds per search for each query: workerd's
// clock moves in whole milliseconds, so one search alone would read 0 or 1.
// Bundled only by bench/tools.bench.ts (with the real index, or a 105-vendor one swapped in).
import { searchCatalog } from "../../runtime/tools/catalog-search";

interface Job {
  queries: string[];
  reps: number;
  limit: number;
}

export default {
  async fetch(req) {
    const job = (await req.json()) as Job;
    const perQuery: number[] = [];
    let hits = 0;
    for (const q of job.queries) {
      const t0 = performance.now();
      for (let r = 0; r < job.reps; r++) hits += searchCatalog(q, { limit: job.limit }).length;
      perQuery.push((performance.now() - t0) / job.reps);
    }
    return Response.json({ perQuery, hits });
  },
} satisfies ExportedHandler<Env>;
