// Tool names on the wire. Anthropic and OpenAI accept only ^[a-zA-Z0-9_-]{1,64}$ as a tool's
// name, so a catalog tool listed to the model directly is `<connector>__<tool>` on the wire
// (`linear__create_issue`) and `<connector>/<tool>` everywhere else. The mapping is exact both
// ways: connector ids are ^[a-z0-9][a-z0-9-]*$ (no underscore), so the first "__" always ends
// the connector id, whatever the tool's own name holds.
import { connectorAuthOf } from "../tools-api/catalog";

/** What every provider accepts as a tool name. */
export const WIRE_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const CONNECTOR_ID = /^[a-z0-9][a-z0-9-]*$/;
const SEPARATOR = "__";

/** True when providers accept `name` as a tool name. */
export function isWireName(name: string): boolean {
  return WIRE_NAME.test(name);
}

/** `linear/create_issue` → `linear__create_issue`; null when the result is no valid wire name. */
export function toWireName(tool: string): string | null {
  const slash = tool.indexOf("/");
  if (slash <= 0) return null;
  const connector = tool.slice(0, slash);
  if (!CONNECTOR_ID.test(connector)) return null;
  const wire = `${connector}${SEPARATOR}${tool.slice(slash + 1)}`;
  return isWireName(wire) && slash + 1 < tool.length ? wire : null;
}

/** `linear__create_issue` → `linear/create_issue`; null for a name not in that form. */
export function fromWireName(wire: string): string | null {
  if (!isWireName(wire)) return null;
  const at = wire.indexOf(SEPARATOR);
  if (at <= 0) return null;
  const connector = wire.slice(0, at);
  const tool = wire.slice(at + SEPARATOR.length);
  if (!CONNECTOR_ID.test(connector) || tool === "") return null;
  return `${connector}/${tool}`;
}

/**
 * The name to run for a name a model wrote in a meta-tool's arguments: `<connector>/<tool>` as
 * it is; the wire form of a known connector's tool (models copy either) mapped to it; any other
 * name as it is (a webhook tool's name may hold "__" too, so only known connectors map).
 */
export function realToolName(name: string): string {
  if (name.includes("/")) return name;
  const real = fromWireName(name);
  return real !== null && connectorAuthOf(real.slice(0, real.indexOf("/"))) !== null ? real : name;
}
