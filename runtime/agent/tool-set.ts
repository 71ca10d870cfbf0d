// The tools one turn offers the model (tools_mode), and the way back from a name the model
// called to where it runs:
// - dynamic (the default when no `tools` are sent): the four meta-tools (meta-tools.ts);
// - explicit: only the request's `tools` — a catalog tool in wire form (`linear__create_issue`)
//   or one of the tenant's webhook tools runs in Gatehouse, any other name is the app's own;
// - tenant: the tenant's webhook tools and the tools of every connector the end user has
//   connected, listed directly.
// `client_tools` are added in every mode: the app runs those, and the turn stops for them.
// Names are checked here, before the turn starts, so a bad one is a 400 naming the field.
import { connectedConnectorIds, findDefaultConnection } from "../db/connections";
import { findWebhookTools, listWebhookTools, type WebhookToolRow } from "../db/webhook-tools";
import { badRequest } from "../errors";
import { manifests } from "../../generated/connectors/catalog";
import { catalogTool, connectorAuthOf } from "../tools-api/catalog";
import { storedMcpTool, storedMcpTools } from "../tools-api/mcp-tools";
import { META_TOOLS } from "./meta-tools";
import { fromWireName, isWireName, toWireName } from "./tool-names";
import type { AgentScope, AnthropicToolDefinition, RequestTool, ToolClass, ToolSet, ToolSetRequest, ToolsMode } from "./types";

/** Most tools a turn lists (OpenAI's limit); `tenant` mode lists the first ones, by connector id. */
export const MAX_LISTED_TOOLS = 128;

const EMPTY_SCHEMA = { type: "object", properties: {} } as const;

export async function buildToolSet(env: Env, req: ToolSetRequest, scope: AgentScope): Promise<ToolSet> {
  const tools = req.tools ?? [];
  const mode: ToolsMode = req.mode ?? (tools.length > 0 ? "explicit" : "dynamic");
  checkNames(tools, "body.tools");
  checkNames(req.clientTools ?? [], "body.client_tools");
  if (mode === "explicit" && tools.length === 0) throw badRequest('tools_mode "explicit" lists only the request\'s tools: send tools (or use tools_mode "dynamic")', "body.tools");
  if (mode !== "explicit" && tools.length > 0) {
    throw badRequest(`tools are listed only with tools_mode "explicit" (this request has "${mode}"); send tools_mode "explicit", or client_tools for tools your app runs`, "body.tools");
  }

  const entries: { def: AnthropicToolDefinition; cls: ToolClass }[] = [];
  if (mode === "dynamic") for (const def of META_TOOLS) entries.push({ def, cls: { kind: "meta", tool: def.name } });
  else if (mode === "explicit") entries.push(...(await explicitTools(env, tools, scope)));
  else entries.push(...(await tenantTools(env, scope)));

  const taken = new Map(entries.map((e, i) => [e.def.name, i] as const));
  (req.clientTools ?? []).forEach((t, i) => {
    if (taken.has(t.name)) {
      const what = mode === "dynamic" ? "a meta-tool's" : mode === "explicit" ? "a name in tools" : "a tool this turn lists (tenant mode)";
      throw badRequest(`client_tools[${i}].name ${JSON.stringify(t.name)} is ${what} name; give your tool another name`, `body.client_tools[${i}].name`);
    }
    taken.set(t.name, entries.length);
    entries.push({ def: definition(t), cls: { kind: "client", tool: t.name } });
  });

  const byName = new Map(entries.map((e) => [e.def.name, e.cls] as const));
  return {
    mode,
    definitions: entries.map((e) => e.def),
    classify: (wireName) => byName.get(wireName) ?? null,
  };
}

/** Every name valid on the wire and unique within its list; the error names the field. */
function checkNames(tools: readonly RequestTool[], param: string): void {
  const seen = new Set<string>();
  tools.forEach((t, i) => {
    const name = typeof t?.name === "string" ? t.name : "";
    if (!isWireName(name)) {
      const hint = name.includes("/") ? ` (a catalog tool is written ${JSON.stringify(toWireName(name) ?? "<connector>__<tool>")} in a tools list)` : "";
      throw badRequest(`${param.slice(5)}[${i}].name ${JSON.stringify(name.slice(0, 100))} is not a valid tool name: 1–64 letters, digits, "_" or "-"${hint}`, `${param}[${i}].name`);
    }
    if (seen.has(name)) throw badRequest(`${param.slice(5)}[${i}].name ${JSON.stringify(name)} appears twice; tool names must be unique`, `${param}[${i}].name`);
    seen.add(name);
  });
}

/** The request's definition as sent to the model (an object schema when it gave none). */
function definition(t: RequestTool, fallback?: { description: string; input_schema: Record<string, unknown> }): AnthropicToolDefinition {
  const { name, description, input_schema, ...rest } = t;
  const def: AnthropicToolDefinition = {
    ...rest,
    name,
    input_schema: { ...(input_schema ?? fallback?.input_schema ?? EMPTY_SCHEMA), type: "object" },
  };
  const text = description ?? fallback?.description;
  if (text !== undefined && text !== "") def.description = text;
  return def;
}

async function explicitTools(env: Env, tools: readonly RequestTool[], scope: AgentScope): Promise<{ def: AnthropicToolDefinition; cls: ToolClass }[]> {
  const webhooks = new Map((await findWebhookTools(env.DB, scope.tenantId, tools.map((t) => t.name))).map((r) => [r.name, r] as const));
  const out: { def: AnthropicToolDefinition; cls: ToolClass }[] = [];
  for (const t of tools) {
    const hook = webhooks.get(t.name);
    if (hook) {
      out.push({ def: definition(t, webhookDefinition(hook)), cls: { kind: "webhook", tool: hook.name } });
      continue;
    }
    const real = fromWireName(t.name);
    const known = real === null ? null : await knownCatalogTool(env, real, scope);
    if (real !== null && known !== null) out.push({ def: definition(t, known), cls: { kind: "catalog", tool: real } });
    else out.push({ def: definition(t), cls: { kind: "client", tool: t.name } });
  }
  return out;
}

/** A catalog tool's description and schema, or an MCP connector's tool from the end user's connection; null when unknown. */
async function knownCatalogTool(env: Env, real: string, scope: AgentScope): Promise<{ description: string; input_schema: Record<string, unknown> } | null> {
  const connector = real.slice(0, real.indexOf("/"));
  const auth = connectorAuthOf(connector);
  if (auth === null) return null;
  if (auth.mode !== "mcp") return catalogTool(real);
  // An MCP connector's tools are the end user's connection's; before they connect, the name still runs in Gatehouse (→ connect URL).
  const row = scope.endUserId === undefined ? null : await findDefaultConnection(env.DB, scope.tenantId, { endUserId: scope.endUserId, connector });
  const tool = row ? storedMcpTool(row.mcp_tools, real.slice(connector.length + 1)) : null;
  return tool ? { description: tool.description, input_schema: tool.input_schema } : { description: "", input_schema: EMPTY_SCHEMA };
}

function webhookDefinition(row: WebhookToolRow): { description: string; input_schema: Record<string, unknown> } {
  return { description: row.description, input_schema: JSON.parse(row.input_schema) as Record<string, unknown> };
}

async function tenantTools(env: Env, scope: AgentScope): Promise<{ def: AnthropicToolDefinition; cls: ToolClass }[]> {
  const [hooks, connected] = await Promise.all([
    listWebhookTools(env.DB, scope.tenantId),
    scope.endUserId === undefined ? Promise.resolve([]) : connectedConnectorIds(env.DB, scope.tenantId, scope.endUserId),
  ]);
  const out: { def: AnthropicToolDefinition; cls: ToolClass }[] = hooks.map((row) => {
    const { description, input_schema } = webhookDefinition(row);
    return { def: { name: row.name, description, input_schema: { ...input_schema, type: "object" } }, cls: { kind: "webhook", tool: row.name } };
  });
  const names = new Set(out.map((e) => e.def.name));
  for (const connector of [...connected].sort()) {
    for (const t of await connectorTools(env, connector, scope)) {
      const wire = toWireName(t.name);
      if (wire === null || names.has(wire) || out.length >= MAX_LISTED_TOOLS) continue;
      names.add(wire);
      out.push({ def: { name: wire, description: t.description, input_schema: { ...t.input_schema, type: "object" } }, cls: { kind: "catalog", tool: t.name } });
    }
  }
  return out.slice(0, MAX_LISTED_TOOLS);
}

/** A connected connector's tools (`<connector>/<tool>` names): the manifest's, or an MCP connection's stored list. */
async function connectorTools(env: Env, connector: string, scope: AgentScope): Promise<{ name: string; description: string; input_schema: Record<string, unknown> }[]> {
  const auth = connectorAuthOf(connector);
  if (auth === null || scope.endUserId === undefined) return [];
  if (auth.mode === "mcp") {
    const row = await findDefaultConnection(env.DB, scope.tenantId, { endUserId: scope.endUserId, connector });
    return storedMcpTools(row?.mcp_tools ?? null).map((t) => ({ name: `${connector}/${t.name}`, description: t.description, input_schema: t.input_schema }));
  }
  const tools = await Promise.all((manifests[connector]?.tools ?? []).map((t) => catalogTool(`${connector}/${t.name}`)));
  return tools.filter((t) => t !== null);
}

