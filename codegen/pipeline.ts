import { readdir } from "node:fs/promises";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { CodegenError, type Diagnostic } from "./diagnostics";
import { emitApiTypes, emitApiValidators, emitRoutes } from "./emit/api";
import { emitClient } from "./emit/client";
import { emitConnectors } from "./emit/connectors";
import { emitConnectorSearch } from "./emit/connector-search";
import { GENERATED, yamlHeader } from "./emit/header";
import { emitProviders } from "./emit/providers";
import { emitShared } from "./emit/shared";
import { bundleFormatSchemas, emitSchemas } from "./emit/schemas";
import { emitStreamEvents } from "./emit/stream-events";
import { stringify } from "yaml";
import { compileSpec, type CompiledSpec } from "./load/compile-spec";
import { readOperations } from "./load/operations";
import { loadYaml, type YamlSource } from "./load/yaml-source";
import { lintCatalogManifest, STRICT_CATALOG_LINT } from "./validate/catalog-lint";
import { checkManifestSemantics } from "./validate/manifest-semantics";
import type { ManifestView } from "./validate/manifest-view";
import { checkProviderSemantics, type CatalogView } from "./validate/provider-semantics";
import { checkAgainstSchema } from "./validate/schema-check";

export interface Step {
  name: string;
  run: () => Promise<string | void>;
}

interface Loaded {
  spec: CompiledSpec;
  manifests: YamlSource[];
  providers: YamlSource;
}

export interface GenerateOptions {
  /** Catalog lint findings fail generation (default STRICT_CATALOG_LINT); otherwise they go to onWarning. */
  strictCatalogLint?: boolean;
  /** Receives catalog lint findings when they are not errors. */
  onWarning?: (d: Diagnostic) => void;
}

/**
 * load → validate → emit. Returns every generated file (path relative to generated/)
 * in memory; nothing is written here, so a failure leaves generated/ untouched.
 */
export async function generate(
  root: string,
  progress: (step: string, detail: string, ms: number) => void = () => {},
  options: GenerateOptions = {},
): Promise<Map<string, string>> {
  const strictLint = options.strictCatalogLint ?? STRICT_CATALOG_LINT;
  const timed = async <T>(step: string, fn: () => Promise<[T, string]>): Promise<T> => {
    const t0 = performance.now();
    const [value, detail] = await fn();
    progress(step, detail, performance.now() - t0);
    return value;
  };

  const loaded = await timed<Loaded>("load", async () => {
    const spec = await compileSpec(root);
    const dir = join(root, "connectors");
    const names = (await readdir(dir)).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
    const parsed = await Promise.all(names.map((n) => loadYaml(join(dir, n), `connectors/${n}`)));
    const providers = await loadYaml(join(root, "spec/providers.yaml"), "spec/providers.yaml");
    const syntax = [...parsed, providers].filter((x): x is Diagnostic => "jsonPath" in x);
    if (syntax.length > 0) throw new CodegenError(syntax);
    return [
      { spec, manifests: parsed as YamlSource[], providers: providers as YamlSource },
      `spec (${Object.keys((spec.openapi.paths ?? {}) as object).length} paths), ${names.length} connectors, providers.yaml`,
    ];
  });

  const bundled = bundleFormatSchemas(loaded.spec.schemas);
  const { manifests, catalog } = await timed("validate", async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const checkManifest = ajv.compile(bundled.manifest);
    const checkCatalog = ajv.compile(bundled.providers);
    // Tool input schemas are compiled strictly: an unknown keyword is usually a YAML slip.
    const strictAjv = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false });
    const diagnostics: Diagnostic[] = [];
    const manifests: ManifestView[] = [];
    const seenIds = new Map<string, string>();
    for (const src of loaded.manifests) {
      const schemaErrors = checkAgainstSchema(src, checkManifest, "connector manifest");
      diagnostics.push(...schemaErrors);
      if (schemaErrors.length > 0) continue;
      const m = src.value as ManifestView;
      const fileId = src.file.replace(/^connectors\//, "").replace(/\.ya?ml$/, "");
      const other = seenIds.get(m.id);
      if (other !== undefined) {
        const { line, column } = src.position(["id"]);
        diagnostics.push({ file: src.file, line, column, jsonPath: "$.id", message: `connector id "${m.id}" is also defined in ${other}`, hint: "keep one manifest per connector" });
        continue;
      }
      seenIds.set(m.id, src.file);
      const semantic = checkManifestSemantics(src, m, fileId);
      for (const [i, tool] of m.tools.entries()) {
        try {
          strictAjv.compile(tool.input_schema);
        } catch (e) {
          const { line, column } = src.position(["tools", i, "input_schema"]);
          semantic.push({ file: src.file, line, column, jsonPath: `$.tools[${i}].input_schema`, message: `not a valid JSON Schema: ${(e as Error).message}`, hint: "fix the schema (in `{ … }` flow mappings, quote text that contains commas)" });
        }
      }
      if (semantic.length === 0) {
        const lint = lintCatalogManifest(src, m);
        if (strictLint) semantic.push(...lint);
        else for (const d of lint) options.onWarning?.(d);
      }
      diagnostics.push(...semantic);
      manifests.push(m);
    }
    const catalogErrors = checkAgainstSchema(loaded.providers, checkCatalog, "provider catalog");
    diagnostics.push(...catalogErrors);
    if (catalogErrors.length === 0) diagnostics.push(...checkProviderSemantics(loaded.providers, loaded.providers.value as CatalogView));
    if (diagnostics.length > 0) throw new CodegenError(diagnostics);
    return [{ manifests, catalog: loaded.providers.value as CatalogView }, `${manifests.length} manifests, ${catalog_count(loaded.providers)} providers: ok`];
  });

  return timed("emit", async () => {
    const ops = readOperations(loaded.spec.openapi);
    const files = new Map<string, string>();
    const add = (entries: Record<string, string>) => {
      for (const [k, v] of Object.entries(entries)) files.set(k, v);
    };
    add({ "openapi/openapi.yaml": yamlHeader() + stringify(loaded.spec.openapi, { lineWidth: 0 }) });
    add(await emitSchemas(loaded.spec.schemas, bundled));
    add({ "api/types.ts": await emitApiTypes(loaded.spec.openapi), "api/routes.ts": emitRoutes(ops) });
    add(emitApiValidators(loaded.spec.openapi, ops));
    add(emitStreamEvents(loaded.spec.openapi));
    add(await emitClient(ops, loaded.spec.openapi, loaded.spec.declared));
    add(await emitConnectors(manifests));
    add(emitConnectorSearch(manifests));
    add(emitProviders(catalog));
    add(emitShared());
    add({ "README.md": `# generated/\n\n${GENERATED}.\n\nOutput of \`npm run gen\` (see codegen/README.md). Committed so diffs are reviewable; \`npm run gen -- --check\` fails in CI when it is stale. Imports nothing hand-written.\n\n\`env/worker-configuration.d.ts\` is the one exception to \`npm run gen\`: \`Env\` and the Workers runtime types, written by \`npm run cf-typegen\` (\`wrangler types\`) from wrangler.toml and checked by \`npm run cf-typegen -- --check\` in CI; its type-only imports of \`runtime/index.ts\` (the Durable Object classes) are wrangler's.\n` });
    return [files, `${files.size} files, ${ops.length} operations`];
  });
}

function catalog_count(src: YamlSource): number {
  return ((src.value as CatalogView).providers ?? []).length;
}
