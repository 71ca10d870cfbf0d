// The search index the full catalog would have: one manifest-shaped entry per vendor of
// ../shared/connectors/catalog.json (105 vendors, their tools, their params as input names),
// indexed by the real codegen step (codegen/emit/connector-search.ts) and swapped in for
// generated/connectors/search-index.ts when the search Worker is bundled.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Plugin } from "esbuild";
import { emitConnectorSearch } from "../../codegen/emit/connector-search";
import type { ManifestView } from "../../codegen/validate/manifest-view";
import { ROOT } from "../../test/support/local-worker";

interface CatalogVendor {
  id: string;
  name: string;
  category: string;
  auth: { scheme: string };
  tools?: { name: string; description: string; method: string; path: string; params?: string[] }[];
}

export const CATALOG_FILE = join(ROOT, "../shared/connectors/catalog.json");

export async function catalogVendors(): Promise<CatalogVendor[]> {
  return JSON.parse(await readFile(CATALOG_FILE, "utf8")) as CatalogVendor[];
}

export function asManifests(vendors: readonly CatalogVendor[]): ManifestView[] {
  return vendors.map((v) => ({
    id: v.id,
    name: v.name,
    description: `${v.name}: ${(v.tools ?? []).map((t) => t.description).join("; ")}`,
    categories: [v.category],
    auth: { mode: v.auth.scheme },
    tools: (v.tools ?? []).map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: { type: "object", properties: Object.fromEntries((t.params ?? []).map((p) => [p.replace(/\?$/, ""), {}])) },
      request: { method: t.method, path: t.path },
    })),
  }));
}

/** An esbuild plugin: the bundle's search index is the one built from `manifests`. */
export function searchIndexOf(manifests: readonly ManifestView[]): Plugin {
  const source = emitConnectorSearch(manifests)["connectors/search-index.ts"] ?? "";
  return {
    name: "bench-tools-search-index",
    setup(build) {
      build.onResolve({ filter: /generated\/connectors\/search-index$/ }, () => ({ path: "search-index", namespace: "bench-tools" }));
      build.onLoad({ filter: /.*/, namespace: "bench-tools" }, () => ({ contents: source, loader: "ts", resolveDir: join(ROOT, "generated/connectors") }));
    },
  };
}
