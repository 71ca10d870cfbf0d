// What the tools API needs of one connector tool: its schema, annotations and its connector's
// auth mode, read from the generated manifests (search is runtime/tools/catalog-search.ts).
// MCP connectors' tools are not here: they are listed per connection (mcp-tools.ts).
import { manifests } from "../../generated/connectors/catalog";
import { toolSchema } from "../tools/connector-call";

/** A connector's tool as the tools API shows and runs it. */
export interface CatalogTool {
  /** `<connector>/<tool>`. */
  name: string;
  connector: string;
  description: string;
  input_schema: Record<string, unknown>;
  read_only: boolean;
  destructive: boolean;
  /** The connector's auth mode: `none` needs no connection; `mcp` runs through the MCP client. */
  authMode: string;
}

/** The connector's auth mode and, for `mcp`, its server URL template; null for an unknown id. */
export function connectorAuthOf(connectorId: string): { mode: string; mcpUrl: string | null } | null {
  const m = manifests[connectorId];
  return m ? { mode: m.auth.mode, mcpUrl: m.auth.mcp?.url ?? null } : null;
}

/** A manifest tool by its full name, or null (MCP tools are per connection, not in the catalog). */
export async function catalogTool(name: string): Promise<CatalogTool | null> {
  const slash = name.indexOf("/");
  if (slash <= 0) return null;
  const m = manifests[name.slice(0, slash)];
  const tool = m?.tools.find((t) => t.name === name.slice(slash + 1));
  // The input schema loads with the connector's compiled module (the catalog holds no schemas).
  const schema = m && tool ? await toolSchema(name) : null;
  if (!m || !tool || !schema) return null;
  return {
    name,
    connector: m.id,
    description: tool.description,
    input_schema: { ...schema.input_schema },
    read_only: tool.annotations?.read_only === true,
    destructive: tool.annotations?.destructive === true,
    authMode: m.auth.mode,
  };
}
