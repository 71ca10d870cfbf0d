import { readFile } from "node:fs/promises";
import type { Operation } from "../load/operations";
import { tsHeader } from "./header";

/** `generated/client/`: a thin typed class, one one-line method per operation, over a generic core. */
export async function emitClient(ops: Operation[]): Promise<Record<string, string>> {
  const runtime = await readFile(new URL("../templates/client-runtime.ts", import.meta.url), "utf8");
  const routes = ops.map((op) => `  ${op.operationId}: { method: ${JSON.stringify(op.method)}, path: ${JSON.stringify(op.path)} },`);
  const methods = ops.map((op) => {
    const O = `operations[${JSON.stringify(op.operationId)}]`;
    const needsArgs = op.pathParams.length > 0 || (op.body !== undefined && op.bodyRequired);
    const args = `args${needsArgs ? "" : "?"}: Args<${O}>`;
    const doc = `  /** ${op.summary.split("\n")[0]?.replaceAll("*/", "* /")} (\`${op.method} ${op.path}\`) */`;
    if (op.streams) {
      return `${doc}\n  ${op.operationId}(${args}, options?: RequestOptions): AsyncGenerator<ServerSentEvent> {\n    return this.callStream(${JSON.stringify(op.operationId)}, args, options);\n  }`;
    }
    return `${doc}\n  ${op.operationId}(${args}, options?: RequestOptions): Promise<Result<${O}>> {\n    return this.call(${JSON.stringify(op.operationId)}, args, options);\n  }`;
  });
  const index = `${tsHeader()}import type { operations } from "../api/types";
import { BaseClient, type Args, type ClientOptions, type RequestOptions, type Result, type ServerSentEvent } from "./runtime";

export * from "./runtime";
export type { components, operations, paths } from "../api/types";

const ROUTES = {
${routes.join("\n")}
} as const;

/** The Gatehouse API client: \`new Gatehouse({ baseURL, apiKey })\`. */
export class Gatehouse extends BaseClient<operations> {
  constructor(options: ClientOptions) {
    super(options, ROUTES);
  }

${methods.join("\n\n")}
}
`;
  return {
    "client/runtime.ts": `${tsHeader()}${runtime}`,
    "client/index.ts": index,
  };
}
