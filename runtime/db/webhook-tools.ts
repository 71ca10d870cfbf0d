// D1 `webhook_tools` (migration 0013): the tools a tenant registers with POST /v1/tools. Every
// statement takes the tenant, except the vault rotation's page walk (it visits every tenant).
// `signing_secret` is a vault record (runtime/vault), never the secret in clear.

/** A webhook tool's row as stored (input_schema as JSON text). */
export interface WebhookToolRow {
  tenant_id: string;
  name: string;
  description: string;
  input_schema: string;
  url: string;
  signing_secret: string;
  created_at: number;
}

const COLUMNS = "tenant_id, name, description, input_schema, url, signing_secret, created_at";

/** Inserts the tool; false when the tenant already has one by that name (nothing changed). */
export async function insertWebhookTool(db: D1Database, row: WebhookToolRow): Promise<boolean> {
  const res = await db
    .prepare(`INSERT INTO webhook_tools (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING`)
    .bind(row.tenant_id, row.name, row.description, row.input_schema, row.url, row.signing_secret, row.created_at)
    .run();
  return res.meta.changes === 1;
}

/** The tenant's tool by name; another tenant's name is not found. */
export function findWebhookTool(db: D1Database, tenantId: string, name: string): Promise<WebhookToolRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM webhook_tools WHERE tenant_id = ? AND name = ?`).bind(tenantId, name).first<WebhookToolRow>();
}

/** The tenant's tools among `names` (any order; unknown names are simply absent). */
export async function findWebhookTools(db: D1Database, tenantId: string, names: readonly string[]): Promise<WebhookToolRow[]> {
  if (names.length === 0) return [];
  const marks = names.map(() => "?").join(", ");
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM webhook_tools WHERE tenant_id = ? AND name IN (${marks})`)
    .bind(tenantId, ...names)
    .all<WebhookToolRow>();
  return results;
}

/** Every tool of the tenant, by name. A tenant registers a handful, so there is no paging. */
export async function listWebhookTools(db: D1Database, tenantId: string): Promise<WebhookToolRow[]> {
  const { results } = await db.prepare(`SELECT ${COLUMNS} FROM webhook_tools WHERE tenant_id = ? ORDER BY name`).bind(tenantId).all<WebhookToolRow>();
  return results;
}

/** Deletes the tenant's tool; false when there was none by that name. */
export async function deleteWebhookTool(db: D1Database, tenantId: string, name: string): Promise<boolean> {
  const res = await db.prepare("DELETE FROM webhook_tools WHERE tenant_id = ? AND name = ?").bind(tenantId, name).run();
  return res.meta.changes === 1;
}

// ---- vault rotation ----

/** Up to `limit` tools of every tenant, in (tenant_id, name) order after `after`. */
export async function sealedWebhookTools(db: D1Database, after: { tenantId: string; name: string } | undefined, limit: number): Promise<WebhookToolRow[]> {
  const where = after ? " WHERE (tenant_id, name) > (?, ?)" : "";
  const params: (string | number)[] = after ? [after.tenantId, after.name, limit] : [limit];
  const { results } = await db.prepare(`SELECT ${COLUMNS} FROM webhook_tools${where} ORDER BY tenant_id, name LIMIT ?`).bind(...params).all<WebhookToolRow>();
  return results;
}

/** Replaces a tool's sealed secret only if it still holds `previous` (a delete and re-create meanwhile wins). */
export function replaceWebhookSecretStatement(db: D1Database, tenantId: string, name: string, previous: string, next: string): D1PreparedStatement {
  return db.prepare("UPDATE webhook_tools SET signing_secret = ? WHERE tenant_id = ? AND name = ? AND signing_secret = ?").bind(next, tenantId, name, previous);
}
