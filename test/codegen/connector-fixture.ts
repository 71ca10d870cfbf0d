// Compiles a manifest (given as an object, already valid) into a connector module the way
// `npm run gen` does — emitter, Ajv standalone validators, the shared connector-runtime — in a
// temporary directory, and imports it. For tests of builder shapes the project's own manifests
// do not have (arrays in a query, a templated header, a setting in the path).
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { emitConnectorModule } from "../../codegen/emit/connector-module";
import { emitConnectorValidators } from "../../codegen/emit/connector-validators";
import type { ManifestView } from "../../codegen/validate/manifest-view";
import type { ConnectorModule } from "../../generated/connectors/connector-runtime";
import { REPO } from "./support/temp-project";

export interface CompiledFixture {
  connector: ConnectorModule;
  /** The emitted TypeScript of the module, for assertions on its shape. */
  source: string;
  remove(): Promise<void>;
}

export async function compileFixture(m: ManifestView): Promise<CompiledFixture> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-connector-fixture-"));
  // The validators import Ajv's runtime helpers: resolvable through a node_modules beside them.
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const validators = emitConnectorValidators(m);
  for (const [path, text] of Object.entries(validators.files)) await writeFile(join(dir, path.replace(/^connectors\//, "")), text);
  const source = emitConnectorModule(m, (tool) => validators.byTool.get(tool) as string);
  // The project's own connector-runtime (one module instance: its error classes are the ones callers test for).
  await writeFile(join(dir, `${m.id}.ts`), source.replace('from "./connector-runtime"', `from ${JSON.stringify(join(REPO, "generated/connectors/connector-runtime.ts"))}`));
  const mod = (await import(/* @vite-ignore */ pathToFileURL(join(dir, `${m.id}.ts`)).href)) as { connector: ConnectorModule };
  return { connector: mod.connector, source, remove: () => rm(dir, { recursive: true, force: true }) };
}
