import { tsHeader } from "./header";
import { emitSseParser } from "./sse-parser";
import { LOOKUP_TABLE_SOURCE } from "./ts-literal";

/** Where generated modules import their shared helpers from, relative to a module one folder deep. */
export const LOOKUP_TABLE_IMPORT = `import { lookupTable } from "../shared/lookup-table";`;

/** `generated/shared/`: code several generated modules use, emitted once. */
export function emitShared(): Record<string, string> {
  return {
    "shared/lookup-table.ts": `${tsHeader()}${LOOKUP_TABLE_SOURCE.replace(/^function /m, "export function ")}`,
    // The one SSE parser: here for the Worker, and its copy for the client (generated/client/sse.ts).
    ...emitSseParser(),
  };
}
