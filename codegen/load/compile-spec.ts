import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, formatDiagnostic, NodeHost, type Program } from "@typespec/compiler";
import { getAllHttpServices, getRoutePath } from "@typespec/http";
import { getOperationId } from "@typespec/openapi";
import { parse as parseYaml } from "yaml";

export interface CompiledSpec {
  /** The OpenAPI 3.1 document as emitted by TypeSpec. */
  openapi: Record<string, unknown>;
  /** JSON Schema documents keyed by their `$id` (e.g. `ConnectorManifest.json`). */
  schemas: Map<string, Record<string, unknown>>;
  /** Where each operation is declared: its interface's route and its TypeSpec name (the SDK's resource methods are named from them). */
  declared: Map<string, DeclaredOperation>;
}

/** An operation as declared in spec/: `KeysApi` at `/v1/keys`, operation `create`. */
export interface DeclaredOperation {
  interfaceRoute: string;
  name: string;
}

/** Compiles spec/main.tsp with the OpenAPI 3.1 and JSON Schema emitters into a scratch dir. */
export async function compileSpec(root: string): Promise<CompiledSpec> {
  const out = await mkdtemp(join(tmpdir(), "gatehouse-tsp-"));
  try {
    const program = await compile(NodeHost, join(root, "spec/main.tsp"), {
      outputDir: out,
      emit: ["@typespec/openapi3", "@typespec/json-schema"],
      options: {
        "@typespec/openapi3": {
          "emitter-output-dir": join(out, "openapi"),
          "openapi-versions": ["3.1.0"],
          "file-type": "yaml",
          "output-file": "openapi.yaml",
          "seal-object-schemas": true,
          // Every type declared in namespace Gatehouse is part of the API, used by an operation
          // or not (the qlaud.* stream events are shared before any route sends them); the
          // data formats live in GatehouseFormats, outside it, and go to JSON Schema only.
          "omit-unreachable-types": false,
        },
        "@typespec/json-schema": {
          "emitter-output-dir": join(out, "schemas"),
          "file-type": "json",
          "seal-object-schemas": true,
        },
      },
    });
    const errors = program.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      const text = errors.map((d) => formatDiagnostic(d, { pretty: false, pathRelativeTo: root })).join("\n");
      throw new Error(`TypeSpec compilation failed:\n${text}`);
    }
    const openapi = parseYaml(await readFile(join(out, "openapi/openapi.yaml"), "utf8")) as Record<string, unknown>;
    const schemas = new Map<string, Record<string, unknown>>();
    for (const name of (await readdir(join(out, "schemas"))).sort()) {
      schemas.set(name, JSON.parse(await readFile(join(out, "schemas", name), "utf8")) as Record<string, unknown>);
    }
    return { openapi, schemas, declared: declaredOperations(program) };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** operationId → the interface route and TypeSpec name of the operation (operations outside an interface are left out). */
function declaredOperations(program: Program): Map<string, DeclaredOperation> {
  const out = new Map<string, DeclaredOperation>();
  const [services] = getAllHttpServices(program);
  for (const service of services) {
    for (const op of service.operations) {
      const id = getOperationId(program, op.operation);
      const iface = op.operation.interface;
      if (!id || !iface) continue;
      out.set(id, { interfaceRoute: getRoutePath(program, iface)?.path ?? "", name: op.operation.name });
    }
  }
  return out;
}
