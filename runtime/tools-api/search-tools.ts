// POST /v1/tools/search: the catalog's ranked hits for an intent (runtime/tools/catalog-search.ts),
// each with whether the end user can run it now (one D1 query for the connectors they hold a
// connected account of), and the tenant's webhook tools that share a term with the intent.
// Webhook tools come first: the tenant registered them for its own app, and a tenant has few.
import { connectedConnectorIds } from "../db/connections";
import { listWebhookTools, type WebhookToolRow } from "../db/webhook-tools";
import { searchCatalog } from "../tools/catalog-search";
import { terms } from "../tools/search-terms";
import type { Scope } from "../threads/access";
import { connectorAuthOf } from "./catalog";

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
  const own = matchingWebhookTools(webhooks, intent).slice(0, limit);
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

/** Webhook tools sharing a term with the intent, most shared terms first (then by name). */
function matchingWebhookTools(rows: readonly WebhookToolRow[], intent: string): ToolSearchHit[] {
  const wanted = new Set(terms(intent));
  return rows
    .map((row) => ({ row, score: new Set(terms(`${row.name} ${row.description}`).filter((t) => wanted.has(t))).size }))
    .filter((m) => m.score > 0)
    .sort((a, b) => b.score - a.score || (a.row.name < b.row.name ? -1 : 1))
    .map(({ row }) => ({ tool: row.name, connector: null, description: row.description, read_only: false, destructive: false, connection: "not_required" }));
}
