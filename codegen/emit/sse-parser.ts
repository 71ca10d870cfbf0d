// Copies the one SSE parser (codegen/templates/sse-parser.ts) to where its two users import it:
// generated/shared/sse-parser.ts for the Worker (through runtime/translate/sse-parser.ts) and
// generated/client/sse.ts for the client, which must stay free of runtime/ imports. Copies,
// not a shared import, so each side's folder is self-contained and imports flow one way.
import { readFileSync } from "node:fs";
import { tsHeader } from "./header";

/** Where the copies go, relative to generated/. */
export const SSE_PARSER_OUTPUTS = ["shared/sse-parser.ts", "client/sse.ts"] as const;

export function emitSseParser(): Record<string, string> {
  const source = tsHeader() + readFileSync(new URL("../templates/sse-parser.ts", import.meta.url), "utf8");
  return Object.fromEntries(SSE_PARSER_OUTPUTS.map((out) => [out, source]));
}
