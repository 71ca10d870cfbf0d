// The one way a thread route finds the thread it names: the key's tenant's live thread (else
// 404: another tenant's id and a deleted thread look alike), then the access rule (access.ts).
import type { KeyRecord } from "../db/api-keys";
import { findLiveThread, type ThreadRow } from "../db/threads";
import { ApiError } from "../errors";
import { assertMayUseThread } from "./access";

export function threadNotFound(id: string): ApiError {
  return new ApiError("not_found", `no thread ${JSON.stringify(id)}; list your threads with GET /v1/threads`, { param: "path.id" });
}

/** The live thread the key may use; 404 when there is none, 403 when it is another end user's. */
export async function threadFor(db: D1Database, key: KeyRecord, id: string): Promise<ThreadRow> {
  const row = await findLiveThread(db, key.tenant_id, id);
  if (row === null) throw threadNotFound(id);
  assertMayUseThread(key, row);
  return row;
}
