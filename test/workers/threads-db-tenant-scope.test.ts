// The data layer's rule for the threads tables: every function that takes a tenant finds,
// counts and changes nothing of another tenant's, even given that tenant's real ids.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { setThreadRetentionDays, threadRetentionDays } from "../../runtime/db/tenant-settings";
import { deleteEndUserMessagesStatement, deleteThreadsMessagesStatement, listThreadMessageRows } from "../../runtime/db/thread-messages";
import {
  deleteEmptyThreads,
  deleteEndUserThreadsStatement,
  deleteThreadsStatement,
  findLiveThread,
  inactiveThreadIds,
  listLiveThreads,
  replaceThreadMetadata,
  softDeleteThread,
} from "../../runtime/db/threads";
import { seedTenant } from "./support/seed";
import { appendMessages, createThread } from "./support/threads";

describe("threads tables: a foreign tenant's id finds and changes nothing", () => {
  it("every function of db/threads.ts, db/thread-messages.ts and db/tenant-settings.ts", async () => {
    const owner = await seedTenant();
    const other = await seedTenant();
    const full = await createThread(owner.masterKey, { end_user_id: "ada", metadata: { a: "1" } });
    const empty = await createThread(owner.masterKey, { end_user_id: "ada" });
    await appendMessages(owner.tenantId, full.id, 3);
    await setThreadRetentionDays(env.DB, owner.tenantId, 9, Date.now());
    const db = env.DB;
    const o = other.tenantId;

    expect(await findLiveThread(db, o, full.id)).toBeNull();
    expect(await listLiveThreads(db, o, { endUserId: undefined, order: "asc", limit: 10, after: undefined })).toEqual([]);
    expect(await listLiveThreads(db, o, { endUserId: "ada", order: "desc", limit: 10, after: undefined })).toEqual([]);
    expect(await replaceThreadMetadata(db, o, full.id, "{}")).toBeNull();
    expect(await softDeleteThread(db, o, full.id, Date.now())).toBe(false);
    expect(await deleteEmptyThreads(db, o, undefined, Date.now())).toBe(0);
    expect(await inactiveThreadIds(db, o, Date.now() + 1e9, Date.now(), 10)).toEqual([]);
    expect(await listThreadMessageRows(db, o, full.id, { order: "asc", limit: 10, afterSeq: undefined, beforeSeq: undefined })).toEqual([]);
    expect(await threadRetentionDays(db, o)).toBeNull();
    const changes = await db.batch([
      deleteEndUserMessagesStatement(db, o, "ada"),
      deleteEndUserThreadsStatement(db, o, "ada"),
      deleteThreadsMessagesStatement(db, o, [full.id]),
      deleteThreadsStatement(db, o, [full.id, empty.id]),
    ]);
    expect(changes.map((r) => r.meta.changes)).toEqual([0, 0, 0, 0]);

    // The owner's rows are as they were.
    expect(await findLiveThread(db, owner.tenantId, full.id)).toMatchObject({ metadata: '{"a":"1"}', message_count: 3 });
    expect(await findLiveThread(db, owner.tenantId, empty.id)).not.toBeNull();
    expect(await listThreadMessageRows(db, owner.tenantId, full.id, { order: "asc", limit: 10, afterSeq: undefined, beforeSeq: undefined })).toHaveLength(3);
    expect(await threadRetentionDays(db, owner.tenantId)).toBe(9);
  });
});
