// POST /v1/tools/search: the catalog's ranked hits for an intent (runtime/tools/catalog-search.ts),
// each with whether the end user can run it now (one D1 query for the connectors they hold a
// connected account of), and the tenant's webhook tools that share a term with the intent.
// Webhook tools come first: the tenant registered them for its own app, and a tenant has few.
// Then the tools of the end user's connected MCP accounts (listed at connect time, so not in
// the catalog's index) that share a term with the intent, then the catalog's hits.
import { connectedConnectorIds, findDefaultConnection } from "../db/connections";
import { listWebhookTools, type WebhookToolRow } from "../db/webhook-tools";
import { searchCatalog } from "../tools/catalog-search";
import { terms } from "../../generated/connectors/search-terms";
import type { Scope } from "../threads/access";
import { connectorAuthOf } from "./catalog";
import { storedMcpTools } from "./mcp-tools";

export type ConnectionState = "connected" | "not_connected" | "not_required";

export interface ToolSearchHit {
  tool: string;
  connector: string | null;
  description: string;
  read_only: boolean;
  destructive: boolean;
  connection: ConnectionState;
}

export async function searchTools(env: Env, scope: Scope, intent: string, limit: number): Promise<ToolSearchHit[]> {
  const [connected, webhooks] = await Promise.all([
    scope.endUserId === undefined ? Promise.resolve([]) : connectedConnectorIds(env.DB, scope.tenantId, scope.endUserId),
    listWebhookTools(env.DB, scope.tenantId),
  ]);
  const held = new Set(connected);
  const wanted = new Set(terms(intent));
  const own = matchingWebhookTools(webhooks, wanted);
  if (scope.endUserId !== undefined) own.push(...(await matchingMcpTools(env, scope.tenantId, scope.endUserId, connected, wanted)));
  own.splice(limit);
  const catalog = searchCatalog(intent, { limit: limit - own.length }).map(
    (h): ToolSearchHit => ({
      tool: h.tool,
      connector: h.connector,
      description: h.description,
      read_only: h.read_only,
      destructive: h.destructive,
      connection: connectorAuthOf(h.connector)?.mode === "none" ? "not_required" : held.has(h.connector) ? "connected" : "not_connected",
    }),
  );
  return [...own, ...catalog];
}

/** How many of the intent's terms a text holds. */
function shared(text: string, wanted: ReadonlySet<string>): number {
  return new Set(terms(text).filter((t) => wanted.has(t))).size;
}

/** Hits sharing a term with the intent, most shared terms first (then by name). */
function ranked(hits: { hit: ToolSearchHit; score: number }[]): ToolSearchHit[] {
  return hits
    .filter((m) => m.score > 0)
    .sort((a, b) => b.score - a.score || (a.hit.tool < b.hit.tool ? -1 : 1))
    .map((m) => m.hit);
}

function matchingWebhookTools(rows: readonly WebhookToolRow[], wanted: ReadonlySet<string>): ToolSearchHit[] {
  return ranked(
    rows.map((row) => ({
      hit: { tool: row.name, connector: null, description: row.description, read_only: false, destructive: false, connection: "not_required" },
      score: shared(`${row.name} ${row.description}`, wanted),
    })),
  );
}

/** The tools of the end user's default connection of each connected MCP connector (one query per such connector). */
async function matchingMcpTools(env: Env, tenantId: string, endUserId: string, connected: readonly string[], wanted: ReadonlySet<string>): Promise<ToolSearchHit[]> {
  const mcp = connected.filter((id) => connectorAuthOf(id)?.mode === "mcp");
  const rows = await Promise.all(mcp.map((connector) => findDefaultConnection(env.DB, tenantId, { endUserId, connector })));
  const hits: { hit: ToolSearchHit; score: number }[] = [];
  for (const row of rows) {
    if (!row) continue;
    for (const t of storedMcpTools(row.mcp_tools)) {
      const a = t.annotations ?? {};
      hits.push({
        hit: { tool: `${row.connector}/${t.name}`, connector: row.connector, description: t.description, read_only: a.readOnlyHint === true, destructive: a.destructiveHint === true, connection: "connected" },
        score: shared(`${row.connector} ${t.name} ${t.description}`, wanted),
      });
    }
  }
  return ranked(hits);
}
