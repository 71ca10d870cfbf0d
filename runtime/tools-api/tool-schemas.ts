// POST /v1/tools/schemas: what a model needs to call named tools, in the order asked. Connector
// tools come from the catalog, webhook tools (names without "/") from the tenant's rows in one
// query, an MCP connector's tools from the end user's default connection of it (listed at
// connect time). Any unknown name fails the request with a 404 naming every unknown one, so
// one retry fixes all.
import { findDefaultConnection } from "../db/connections";
import { findWebhookTools } from "../db/webhook-tools";
import { ApiError } from "../errors";
import type { Scope } from "../threads/access";
import { catalogTool, connectorAuthOf } from "./catalog";
import { storedMcpTool } from "./mcp-tools";

export interface ToolSchemaView {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  read_only: boolean;
  destructive: boolean;
}

export async function toolSchemas(env: Env, scope: Scope, names: readonly string[]): Promise<ToolSchemaView[]> {
  const webhookNames = [...new Set(names.filter((n) => !n.includes("/")))];
  const rows = await findWebhookTools(env.DB, scope.tenantId, webhookNames);
  const byName = new Map<string, ToolSchemaView>();
  for (const r of rows) {
    byName.set(r.name, { name: r.name, description: r.description, input_schema: JSON.parse(r.input_schema) as Record<string, unknown>, read_only: false, destructive: false });
  }
  for (const name of new Set(names.filter((n) => n.includes("/")))) {
    const t = await catalogTool(name);
    if (t) byName.set(name, { name, description: t.description, input_schema: t.input_schema, read_only: t.read_only, destructive: t.destructive });
    else if (scope.endUserId !== undefined) {
      const m = await mcpToolSchema(env, scope.tenantId, scope.endUserId, name);
      if (m) byName.set(name, m);
    }
  }
  const unknown = [...new Set(names.filter((n) => !byName.has(n)))];
  if (unknown.length > 0) {
    const list = unknown.map((n) => JSON.stringify(n.slice(0, 100))).join(", ");
    throw new ApiError("not_found", `no tool named ${list}; POST /v1/tools/search finds tool names (<connector>/<tool>, or your webhook tools' names)`, { param: "body.tools" });
  }
  return names.map((n) => byName.get(n)!);
}

/** `<connector>/<tool>` of an MCP connector, from the end user's default connection of it. */
async function mcpToolSchema(env: Env, tenantId: string, endUserId: string, name: string): Promise<ToolSchemaView | null> {
  const connector = name.slice(0, name.indexOf("/"));
  if (connectorAuthOf(connector)?.mode !== "mcp") return null;
  const row = await findDefaultConnection(env.DB, tenantId, { endUserId, connector });
  const tool = row ? storedMcpTool(row.mcp_tools, name.slice(connector.length + 1)) : null;
  if (!tool) return null;
  const a = tool.annotations ?? {};
  return { name, description: tool.description, input_schema: tool.input_schema, read_only: a.readOnlyHint === true, destructive: a.destructiveHint === true };
}
