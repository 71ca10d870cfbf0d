import type { SearchIndex } from "./search-index";

/** The deployment's search index (stub until the search room lands: finds nothing, removes nothing). */
export function searchIndexFor(_env: Env): SearchIndex {
  return {
    index: async () => {},
    removeThreads: async () => 0,
    removeEndUser: async () => 0,
    search: async () => [],
  };
}
