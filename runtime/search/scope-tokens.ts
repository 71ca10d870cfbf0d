// Opaque, recomputable names derived from a message's tenant, end user and key:
// - scope tokens, written into the FTS5 `scope` column and into Vectorize metadata, so a search
//   can require its tenant's (or end user's) token. Hex, so unicode61 keeps each token whole;
//   hashed, so neither index holds a raw end user id and no caller text can spell another's.
// - vector ids: Vectorize allows 64 bytes; a hash of (tenant, thread, seq) fits and can be
//   recomputed from the key alone.
// Each input is JSON-encoded as an array, so no two different tuples hash the same text.

import { sha256HexOf } from "../bytes";

function sha256Hex(parts: readonly (string | number | null)[]): Promise<string> {
  return sha256HexOf(JSON.stringify(parts));
}

/** Every message of the tenant carries this token. */
export async function tenantToken(tenantId: string): Promise<string> {
  return `t${(await sha256Hex(["tenant", tenantId])).slice(0, 32)}`;
}

/** Every message of this end user (null: of the tenant's threads without one) carries this token. */
export async function endUserToken(tenantId: string, endUserId: string | null): Promise<string> {
  if (endUserId === null) return `n${(await sha256Hex(["no-end-user", tenantId])).slice(0, 32)}`;
  return `u${(await sha256Hex(["end-user", tenantId, endUserId])).slice(0, 32)}`;
}

/** The message's Vectorize id: 48 hex characters. */
export async function vectorId(tenantId: string, threadId: string, seq: number): Promise<string> {
  return (await sha256Hex(["message", tenantId, threadId, seq])).slice(0, 48);
}

/** The token a search requires: the end user's when narrowed to one, else the tenant's. */
export function queryScopeToken(tenantId: string, endUserId: string | undefined): Promise<string> {
  return endUserId === undefined ? tenantToken(tenantId) : endUserToken(tenantId, endUserId);
}
