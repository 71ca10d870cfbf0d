// Vault key rotation's step (POST /v1/admin/vault/reseal, `npm run admin -- rotate-vault-key`):
// one page of stored secrets — connections' credentials, then webhook tools' signing secrets —
// each opened (with VAULT_KEY or VAULT_KEY_PREVIOUS) and sealed again under VAULT_KEY. A row
// already under VAULT_KEY is left as it is, so a rerun writes nothing; each write is a
// compare-and-swap on the old record, so a reconnect or delete meanwhile wins. A record that
// does not open is reported, never overwritten (restoring its key may still save it).
import type { components } from "../../generated/api/types";
import { replaceCredentialStatement, sealedConnections } from "../db/connections";
import { replaceWebhookSecretStatement, sealedWebhookTools } from "../db/webhook-tools";
import { badRequest } from "../errors";
import { webhookSecretBinding } from "../tools-api/webhook-tools";
import { fromBase64url, fromUtf8, toBase64url, utf8 } from "../vault/encoding";
import { keyringOf, reseal, VaultError, type Keyring, type VaultBinding } from "../vault/vault";
import { connectionBinding } from "./seal";

type VaultResealPage = components["schemas"]["VaultResealPage"];
type Failure = VaultResealPage["failed"][number];
type Kind = Failure["kind"];

/** Rows per page when the caller names no limit. */
export const DEFAULT_RESEAL_LIMIT = 100;

/** Where a walk resumes: after this row of this table (connections come before webhook tools). */
interface Cursor {
  kind: Kind;
  tenantId: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return toBase64url(utf8(JSON.stringify([c.kind, c.tenantId, c.id])));
}

function decodeCursor(text: string): Cursor {
  const bytes = fromBase64url(text);
  let value: unknown;
  try {
    value = bytes ? JSON.parse(fromUtf8(bytes)) : undefined;
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 3 && (value[0] === "connection" || value[0] === "webhook_tool") && typeof value[1] === "string" && typeof value[2] === "string") {
    return { kind: value[0], tenantId: value[1], id: value[2] };
  }
  throw badRequest("after is not a next_after this route returned; omit it to start from the beginning", "body.after");
}

/** One stored secret to visit. */
interface SealedItem {
  kind: Kind;
  tenantId: string;
  id: string;
  record: string;
  binding: VaultBinding;
  replace: (next: string) => D1PreparedStatement;
}

/** Visits up to `limit` rows after `after` and re-seals those not under the current key. */
export async function resealPage(env: Env, opts: { after?: string | undefined; limit?: number | undefined }): Promise<VaultResealPage> {
  const limit = opts.limit ?? DEFAULT_RESEAL_LIMIT;
  const after = opts.after === undefined ? undefined : decodeCursor(opts.after);
  const keyring = await keyringOf(env);
  const db = env.DB;

  const items: SealedItem[] = [];
  if (after === undefined || after.kind === "connection") {
    const rows = await sealedConnections(db, after && { tenantId: after.tenantId, id: after.id }, limit);
    for (const row of rows) {
      if (row.credential === null) continue;
      const record = row.credential;
      items.push({ kind: "connection", tenantId: row.tenant_id, id: row.id, record, binding: connectionBinding(row), replace: (next) => replaceCredentialStatement(db, row.tenant_id, row.id, record, next) });
    }
  }
  let exhausted = false;
  if (items.length < limit) {
    const from = after?.kind === "webhook_tool" ? { tenantId: after.tenantId, name: after.id } : undefined;
    const rows = await sealedWebhookTools(db, from, limit - items.length);
    exhausted = rows.length < limit - items.length;
    for (const row of rows) {
      const record = row.signing_secret;
      items.push({ kind: "webhook_tool", tenantId: row.tenant_id, id: row.name, record, binding: webhookSecretBinding(row.tenant_id, row.name), replace: (next) => replaceWebhookSecretStatement(db, row.tenant_id, row.name, record, next) });
    }
  }

  const { writes, unchanged, failed } = await resealItems(keyring, items);
  const results = writes.length > 0 ? await db.batch(writes) : [];
  const written = results.filter((r) => r.meta.changes === 1).length;
  const last = items.at(-1);
  return {
    object: "vault.reseal",
    resealed: written,
    unchanged: unchanged + (writes.length - written),
    failed,
    next_after: exhausted || last === undefined ? null : encodeCursor(last),
  };
}

async function resealItems(keyring: Keyring, items: readonly SealedItem[]): Promise<{ writes: D1PreparedStatement[]; unchanged: number; failed: Failure[] }> {
  const writes: D1PreparedStatement[] = [];
  const failed: Failure[] = [];
  let unchanged = 0;
  for (const item of items) {
    let next: string;
    try {
      next = await reseal(keyring, item.record, item.binding);
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      failed.push({ kind: item.kind, tenant_id: item.tenantId, id: item.id, reason: `${err.reason}: ${err.message}` });
      continue;
    }
    if (next === item.record) unchanged++;
    else writes.push(item.replace(next));
  }
  return { writes, unchanged, failed };
}
