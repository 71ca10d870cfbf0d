// Threads, their messages, the end-user erase and retention: parse → domain → shape.
// Who may see what is threads/access.ts (scopeFor) and threads/thread-lookup.ts (threadFor).
import { setThreadRetentionDays, threadRetentionDays } from "../db/tenant-settings";
import { deleteEmptyThreads, insertThread, replaceThreadMetadata, softDeleteThread } from "../db/threads";
import { badRequest } from "../errors";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { searchIndexFor } from "../search/index-for";
import { scopeFor } from "../threads/access";
import { eraseEndUser } from "../threads/erase-end-user";
import { threadFor, threadNotFound } from "../threads/thread-lookup";
import { messagePage, threadPage } from "../threads/thread-pages";
import { threadView } from "../threads/thread-view";

export const threadHandlers: Pick<
  AppHandlers,
  "createThread" | "listThreads" | "getThread" | "updateThread" | "deleteThread" | "deleteEmptyThreads" | "listThreadMessages" | "eraseEndUser" | "getRetention" | "setRetention"
> = {
  async createThread({ body }, ctx) {
    const scope = scopeFor(callerKey(ctx), body.end_user_id, "body.end_user_id");
    const row = await insertThread(ctx.env.DB, scope.tenantId, {
      id: crypto.randomUUID(),
      end_user_id: scope.endUserId ?? null,
      metadata: JSON.stringify(body.metadata ?? {}),
      now: Date.now(),
    });
    return { status: 201, body: threadView(row) };
  },

  async listThreads({ query }, ctx) {
    const scope = scopeFor(callerKey(ctx), query.end_user_id, "query.end_user_id");
    return { status: 200, body: await threadPage(ctx.env.DB, scope, query) };
  },

  async getThread({ params }, ctx) {
    return { status: 200, body: threadView(await threadFor(ctx.env.DB, callerKey(ctx), params.id)) };
  },

  async updateThread({ params, body }, ctx) {
    const key = callerKey(ctx);
    await threadFor(ctx.env.DB, key, params.id);
    const row = await replaceThreadMetadata(ctx.env.DB, key.tenant_id, params.id, JSON.stringify(body.metadata));
    if (row === null) throw threadNotFound(params.id); // deleted meanwhile
    return { status: 200, body: threadView(row) };
  },

  /** Soft: gone from every read at once, and from search; the daily job erases its messages. */
  async deleteThread({ params }, ctx) {
    const key = callerKey(ctx);
    await threadFor(ctx.env.DB, key, params.id);
    if (!(await softDeleteThread(ctx.env.DB, key.tenant_id, params.id, Date.now()))) throw threadNotFound(params.id);
    await searchIndexFor(ctx.env).removeThreads(key.tenant_id, [params.id]);
    return { status: 200, body: { id: params.id, object: "thread.deleted", deleted: true } };
  },

  async deleteEmptyThreads({ query }, ctx) {
    const scope = scopeFor(callerKey(ctx), query.end_user_id, "query.end_user_id");
    const deleted = await deleteEmptyThreads(ctx.env.DB, scope.tenantId, scope.endUserId, Date.now());
    return { status: 200, body: { object: "list.deleted", deleted } };
  },

  async listThreadMessages({ params, query }, ctx) {
    const key = callerKey(ctx);
    await threadFor(ctx.env.DB, key, params.id);
    return { status: 200, body: await messagePage(ctx.env.DB, key.tenant_id, params.id, query) };
  },

  async eraseEndUser({ params }, ctx) {
    // End user ids are 1–200 characters wherever they are set: a longer one names nobody.
    if (params.end_user_id.length > 200) throw badRequest("end_user_id is at most 200 characters", "path.end_user_id");
    return { status: 200, body: await eraseEndUser(ctx.env, callerKey(ctx).tenant_id, params.end_user_id, Date.now()) };
  },

  async getRetention(_input, ctx) {
    return { status: 200, body: { thread_retention_days: await threadRetentionDays(ctx.env.DB, callerKey(ctx).tenant_id) } };
  },

  async setRetention({ body }, ctx) {
    await setThreadRetentionDays(ctx.env.DB, callerKey(ctx).tenant_id, body.thread_retention_days, Date.now());
    return { status: 200, body: { thread_retention_days: body.thread_retention_days } };
  },
};
