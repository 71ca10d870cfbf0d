// A connection's vault binding, in one place: the record a connection holds is sealed for its
// tenant, end user, connector and id, so a record copied to another row does not open.
import type { ConnectionRow } from "../db/connections";
import type { Credential } from "../tools/types";
import { keyringOf, open, seal, type Secret, type VaultBinding } from "../vault/vault";

/** The binding of a connection's row. */
export function connectionBinding(row: Pick<ConnectionRow, "tenant_id" | "end_user_id" | "connector" | "id">): VaultBinding {
  return { tenantId: row.tenant_id, endUserId: row.end_user_id, connectorId: row.connector, connectionId: row.id };
}

/** Seals what the end user typed for this connection (for completeConnection's sealedCredential). */
export async function sealConnectionCredential(env: Env, row: Pick<ConnectionRow, "tenant_id" | "end_user_id" | "connector" | "id">, secret: Credential): Promise<string> {
  return seal(await keyringOf(env), connectionBinding(row), { ...secret });
}

/** Opens a connection's record into a Credential (string values only); throws VaultError when it does not open. */
export async function openConnectionCredential(env: Env, row: Pick<ConnectionRow, "tenant_id" | "end_user_id" | "connector" | "id">, record: string): Promise<Credential> {
  const secret: Secret = await open(await keyringOf(env), record, connectionBinding(row));
  const credential: Record<string, string> = {};
  for (const [name, value] of Object.entries(secret)) if (typeof value === "string") credential[name] = value;
  return credential;
}
