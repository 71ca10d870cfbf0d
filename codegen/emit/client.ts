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
    const json = `${doc}\n  ${op.operationId}(${args}, options?: RequestOptions): Promise<Result<${O}>> {\n    return this.call(${JSON.stringify(op.operationId)}, args, options);\n  }`;
    if (!op.streams) return json;
    // Operations that can stream get a second method that asks for the stream and yields its events.
    const sdoc = `  /** ${op.operationId}, streamed: yields each server-sent event (\`${op.method} ${op.path}\` with \`stream: true\`) */`;
    return `${json}\n\n${sdoc}\n  ${op.operationId}Stream(${args}, options?: RequestOptions): AsyncGenerator<ServerSentEvent> {\n    return this.callStream(${JSON.stringify(op.operationId)}, withStream(args), options);\n  }`;
  });
  const index = `${tsHeader()}import type { operations } from "../api/types";
import { BaseClient, withStream, type Args, type ClientOptions, type RequestOptions, type Result, type ServerSentEvent } from "./runtime";

export * from "./runtime";
export type { components, operations, paths } from "../api/types";
export * from "../api/stream-events";

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
