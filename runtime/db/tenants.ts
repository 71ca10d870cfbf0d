// D1 `tenants`: every statement on the table. A tenant is written together with its master
// key (one batch), so no tenant exists without a key that can use it.
import { keyInsert, type KeyRow } from "./api-keys";
import { bindAll, type SqlStatement } from "./statements";

export interface TenantRow {
  id: string;
  name: string;
  created_at: number;
}

export async function tenantExists(db: D1Database, tenantId: string): Promise<boolean> {
  return (await db.prepare("SELECT id FROM tenants WHERE id = ?").bind(tenantId).first()) !== null;
}

/** The tenant's display name (the app's name on the hosted connect page), or null when there is no such tenant. */
export async function tenantName(db: D1Database, tenantId: string): Promise<string | null> {
  return (await db.prepare("SELECT name FROM tenants WHERE id = ?").bind(tenantId).first<{ name: string }>())?.name ?? null;
}

/**
 * The statements that write a tenant and its master key. `fail` refuses a tenant id that is
 * taken; `reseed` (npm start, run again and again on one local database) keeps an existing
 * tenant and rewrites its master key's secret (see keyInsert).
 */
export function tenantWithMasterKey(tenant: TenantRow, master: KeyRow, onExisting: "fail" | "reseed"): SqlStatement[] {
  const insert = "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)";
  return [
    { sql: onExisting === "reseed" ? `${insert} ON CONFLICT(id) DO NOTHING` : insert, params: [tenant.id, tenant.name, tenant.created_at] },
    keyInsert(tenant.id, master, onExisting),
  ];
}

/** Writes both rows or neither; "exists" when the tenant id (or, vanishingly, the key) is taken. */
export async function insertTenantWithMasterKey(db: D1Database, tenant: TenantRow, master: KeyRow): Promise<"created" | "exists"> {
  try {
    await db.batch(bindAll(db, tenantWithMasterKey(tenant, master, "fail")));
    return "created";
  } catch (e) {
    if (String(e).includes("UNIQUE")) return "exists";
    throw e;
  }
}
