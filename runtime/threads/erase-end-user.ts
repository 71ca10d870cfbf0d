// GDPR erase of one end user of a tenant (DELETE /v1/end-users/:id). Everything in D1 goes in
// one batch, so an erase is all or nothing: threads (soft-deleted ones too) and their messages,
// stored /v1/responses turns, connections (sealed credentials with them) and their connect
// sessions, and the id in usage rows, replaced by a one-way pseudonym (the rows stay for
// invoicing). The pseudonym is recorded, so usage rows still in the Wallet's
// outbox are pseudonymized when they reach D1 (db/usage-events.ts). Search entries go after
// the batch: the index is another store. A failure there is a 500 and the erase is safe to
// repeat (its second run finds nothing in D1 and removes what the index still holds).
import type { components } from "../../generated/api/types";
import { deleteEndUserSessionsStatement } from "../db/connect-sessions";
import { deleteEndUserConnectionsStatement } from "../db/connections";
import { endUserPseudonym, recordErasedEndUserStatement } from "../db/erased-end-users";
import { pseudonymizeEndUserRequestLogStatement } from "../db/request-log";
import { deleteEndUserResponsesStatement } from "../db/response-items";
import { deleteEndUserMessagesStatement } from "../db/thread-messages";
import { deleteEndUserThreadsStatement } from "../db/threads";
import { pseudonymizeEndUserUsageStatement } from "../db/usage-events";
import { searchIndexFor } from "../search/index-for";

type ErasedEndUser = components["schemas"]["ErasedEndUser"];

/**
 * The end user's connected vendor accounts (every status) and their connect sessions, in the
 * same batch: sessions first (they are found through the connections). The count is the
 * connections deleted.
 */
function eraseEndUserConnections(db: D1Database, tenantId: string, endUserId: string): { statements: D1PreparedStatement[]; count: (changes: number[]) => number } {
  return {
    statements: [deleteEndUserSessionsStatement(db, tenantId, endUserId), deleteEndUserConnectionsStatement(db, tenantId, endUserId)],
    count: (changes) => changes[1] ?? 0,
  };
}

export async function eraseEndUser(env: Env, tenantId: string, endUserId: string, now: number): Promise<ErasedEndUser> {
  const db = env.DB;
  const pseudonym = await endUserPseudonym(tenantId, endUserId);
  const connections = eraseEndUserConnections(db, tenantId, endUserId);
  // Messages before threads: the message delete also finds messages by their thread's end user.
  const results = await db.batch([
    deleteEndUserMessagesStatement(db, tenantId, endUserId),
    deleteEndUserThreadsStatement(db, tenantId, endUserId),
    deleteEndUserResponsesStatement(db, tenantId, endUserId),
    pseudonymizeEndUserUsageStatement(db, tenantId, endUserId, pseudonym),
    recordErasedEndUserStatement(db, tenantId, pseudonym, now),
    ...connections.statements,
    // The request log (30 days) keeps the pseudonym too; last, so the counts above keep their places.
    pseudonymizeEndUserRequestLogStatement(db, tenantId, endUserId, pseudonym),
  ]);
  const changes = results.map((r) => r.meta.changes);
  const searchEntries = await searchIndexFor(env).removeEndUser(tenantId, endUserId);
  return {
    end_user_id: endUserId,
    object: "end_user.erased",
    threads: changes[1] ?? 0,
    messages: changes[0] ?? 0,
    search_entries: searchEntries,
    connections: connections.count(changes.slice(5, 5 + connections.statements.length)),
    responses: changes[2] ?? 0,
    usage_events_pseudonymized: changes[3] ?? 0,
  };
}
