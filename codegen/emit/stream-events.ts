import { tsHeader } from "./header";

/** The union of `qlaud.*` events declared in spec/thread-stream-events.tsp. */
export const STREAM_EVENT_UNION = "QlaudStreamEvent";

/**
 * The SSE event names of a discriminated union in the OpenAPI components, in the spec's
 * order (its discriminator mapping). Throws when the union is missing or not keyed by `event`.
 */
export function streamEventNames(openapi: Record<string, unknown>, union = STREAM_EVENT_UNION): string[] {
  const schemas = ((openapi.components ?? {}) as { schemas?: Record<string, { discriminator?: { propertyName?: string; mapping?: Record<string, string> } }> }).schemas ?? {};
  const discriminator = schemas[union]?.discriminator;
  if (discriminator?.propertyName !== "event" || !discriminator.mapping) {
    throw new Error(`components.schemas.${union} must be a union discriminated by "event" (spec/thread-stream-events.tsp)`);
  }
  return Object.keys(discriminator.mapping);
}

/**
 * `generated/api/stream-events.ts`: the `qlaud.*` event union's types (from api/types.ts), its
 * names as a value, and the one way to read such an event off an SSE stream — shared by the
 * runtime that sends them, the SDK and the dashboard that read them.
 */
export function emitStreamEvents(openapi: Record<string, unknown>): Record<string, string> {
  const names = streamEventNames(openapi);
  const list = names.map((n) => `  ${JSON.stringify(n)},`).join("\n");
  return {
    "api/stream-events.ts": `${tsHeader()}import type { components } from "./types";

/** A Gatehouse (\`qlaud.*\`) event of a streaming thread turn: its SSE \`event:\` name and the JSON of its \`data:\`. */
export type ${STREAM_EVENT_UNION} = components["schemas"]["${STREAM_EVENT_UNION}"];

/** The SSE event names of ${STREAM_EVENT_UNION}. */
export type ${STREAM_EVENT_UNION}Name = ${STREAM_EVENT_UNION}["event"];

/** The JSON data of the event named \`N\`. */
export type ${STREAM_EVENT_UNION}Data<N extends ${STREAM_EVENT_UNION}Name> = Extract<${STREAM_EVENT_UNION}, { event: N }>["data"];

/** Every ${STREAM_EVENT_UNION} name, in the spec's order. */
export const QLAUD_STREAM_EVENT_NAMES = [
${list}
] as const satisfies readonly ${STREAM_EVENT_UNION}Name[];

const NAMES: ReadonlySet<string> = new Set(QLAUD_STREAM_EVENT_NAMES);

/** True for the name of a \`qlaud.*\` event (false for Anthropic's own events in the same stream). */
export function is${STREAM_EVENT_UNION}Name(name: string | undefined): name is ${STREAM_EVENT_UNION}Name {
  return name !== undefined && NAMES.has(name);
}

/** The event as SSE text, as the runtime sends it: its \`event:\` line and its data as one JSON \`data:\` line. */
export function format${STREAM_EVENT_UNION}(e: ${STREAM_EVENT_UNION}): string {
  return \`event: \${e.event}\\ndata: \${JSON.stringify(e.data)}\\n\\n\`;
}

/** A \`qlaud.*\` event read off an SSE stream (\`event:\` name, \`data:\` text); undefined for any other event. */
export function parse${STREAM_EVENT_UNION}(sse: { event?: string; data: string }): ${STREAM_EVENT_UNION} | undefined {
  if (!is${STREAM_EVENT_UNION}Name(sse.event)) return undefined;
  // The data's shape is the server's contract (spec/thread-stream-events.tsp), not re-validated here.
  return { event: sse.event, data: JSON.parse(sse.data) } as ${STREAM_EVENT_UNION};
}
`,
  };
}
