// Tools REST: search, schemas, execute, and the tenant's webhook tools — parse → domain → shape.
// The domain is runtime/tools-api/ (executeForEndUser is what the agent loop calls too).
import { ApiError } from "../errors";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { toolScope } from "../tools-api/access";
import { executeForEndUser } from "../tools-api/execute-for-end-user";
import { searchTools } from "../tools-api/search-tools";
import { toolSchemas } from "../tools-api/tool-schemas";
import { createWebhookTool, listWebhookToolViews, removeWebhookTool } from "../tools-api/webhook-tools";

export const toolHandlers: Pick<AppHandlers, "searchTools" | "getToolSchemas" | "executeTool" | "createWebhookTool" | "listWebhookTools" | "deleteWebhookTool"> = {
  async searchTools({ body }, ctx) {
    const scope = toolScope(callerKey(ctx), body.end_user_id);
    return { status: 200, body: { object: "list", data: await searchTools(ctx.env, scope, body.intent, body.limit ?? 10) } };
  },

  async getToolSchemas({ body }, ctx) {
    const scope = toolScope(callerKey(ctx), body.end_user_id);
    return { status: 200, body: { object: "list", data: await toolSchemas(ctx.env, scope, body.tools) } };
  },

  async executeTool({ body }, ctx) {
    const scope = toolScope(callerKey(ctx), body.end_user_id);
    const outcome = await executeForEndUser(
      ctx.env,
      { tenantId: scope.tenantId, endUserId: scope.endUserId, tool: body.tool, args: body.args ?? {}, connectionId: body.connection_id },
      { origin: new URL(ctx.req.url).origin, now: Date.now(), requestId: ctx.requestId },
    );
    if (outcome.ok) return { status: 200, body: { tool: body.tool, ...outcome } };
    if (outcome.kind === "not_connected") {
      throw new ApiError("not_connected", outcome.message, { param: "body.tool", extra: { connect_url: outcome.connect_url, expires_at: outcome.expires_at } });
    }
    if (outcome.kind === "unknown_tool") throw new ApiError("not_found", outcome.message, { param: "body.tool" });
    const { kind, status, message, retryable } = outcome;
    return { status: 200, body: { tool: body.tool, ok: false, error: { kind, status, message, retryable } } };
  },

  async createWebhookTool({ body }, ctx) {
    return { status: 201, body: await createWebhookTool(ctx.env, callerKey(ctx).tenant_id, body, Date.now()) };
  },

  async listWebhookTools(_input, ctx) {
    return { status: 200, body: { object: "list", data: await listWebhookToolViews(ctx.env, callerKey(ctx).tenant_id) } };
  },

  async deleteWebhookTool({ params }, ctx) {
    await removeWebhookTool(ctx.env, callerKey(ctx).tenant_id, params.name);
    return { status: 200, body: { name: params.name, object: "tool.deleted", deleted: true } };
  },
};
