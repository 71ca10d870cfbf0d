import { badRequest } from "../errors";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { searchIndexFor } from "../search/index-for";
import { queryTerms } from "../search/query-terms";
import { scopeFor } from "../threads/access";

const DEFAULT_LIMIT = 10;

// GET /v1/search: the caller's scope (threads/access.ts) → the deployment's index → the list.
export const searchHandlers: Pick<AppHandlers, "searchMessages"> = {
  async searchMessages({ query }, ctx) {
    const scope = scopeFor(callerKey(ctx), query.end_user_id);
    if (queryTerms(query.q).length === 0) throw badRequest(`q has no words to search for (letters or digits), got ${JSON.stringify(query.q)}`, "query.q");
    const hits = await searchIndexFor(ctx.env).search({ tenantId: scope.tenantId, endUserId: scope.endUserId, q: query.q, limit: query.limit ?? DEFAULT_LIMIT });
    return { status: 200, body: { object: "list", query: query.q, data: hits } };
  },
};
