// POST /v1/tools/schemas: what a model needs to call named tools, in the order asked. Connector
// tools come from the catalog, webhook tools (names without "/") from the tenant's rows in one
// query. Any unknown name fails the request with a 404 naming every unknown one, so one retry fixes all.
import { findWebhookTools } from "../db/webhook-tools";
import { ApiError } from "../errors";
import { catalogTool } from "./catalog";

export interface ToolSchemaView {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  read_only: boolean;
  destructive: boolean;
}

export async function toolSchemas(env: Env, tenantId: string, names: readonly string[]): Promise<ToolSchemaView[]> {
  const webhookNames = [...new Set(names.filter((n) => !n.includes("/")))];
  const rows = await findWebhookTools(env.DB, tenantId, webhookNames);
  const byName = new Map<string, ToolSchemaView>();
  for (const r of rows) {
    byName.set(r.name, { name: r.name, description: r.description, input_schema: JSON.parse(r.input_schema) as Record<string, unknown>, read_only: false, destructive: false });
  }
  for (const name of new Set(names.filter((n) => n.includes("/")))) {
    const t = await catalogTool(name);
    if (t) byName.set(name, { name, description: t.description, input_schema: t.input_schema, read_only: t.read_only, destructive: t.destructive });
  }
  const unknown = [...new Set(names.filter((n) => !byName.has(n)))];
  if (unknown.length > 0) {
    const list = unknown.map((n) => JSON.stringify(n.slice(0, 100))).join(", ");
    throw new ApiError("not_found", `no tool named ${list}; POST /v1/tools/search finds tool names (<connector>/<tool>, or your webhook tools' names)`, { param: "body.tools" });
  }
  return names.map((n) => byName.get(n)!);
}
