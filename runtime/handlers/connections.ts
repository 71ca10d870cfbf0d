// Connections (POST/GET/DELETE /v1/connections): parse → domain → shape. Who may act for which
// end user is connections/access.ts; the connect page's handlers are in connect-page.ts.
import { findConnection, listConnections } from "../db/connections";
import { notFound } from "../errors";
import { callerKey } from "../http/context";
import type { AppHandlers } from "../router";
import { assertMayUseConnection, connectionScope } from "../connections/access";
import { connectionView, defaultIds } from "../connections/connection-view";
import { connectableConnector } from "../connections/connector-lookup";
import { mintConnectUrl } from "../connections/mint-connect-url";
import { checkRedirectUrl } from "../connections/redirect-url";
import { revokeConnection } from "../connections/revoke-connection";

/** The most connections one list answers (an end user holds a handful per vendor). */
const LIST_LIMIT = 100;

const connectionNotFound = (id: string) => notFound(`there is no connection ${JSON.stringify(id.slice(0, 100))} in this tenant`);

export const connectionHandlers: Pick<AppHandlers, "createConnection" | "listConnections" | "deleteConnection"> = {
  async createConnection({ body }, ctx) {
    const scope = connectionScope(callerKey(ctx), body.end_user_id, "body.end_user_id");
    const connector = connectableConnector(body.connector, "body.connector");
    const redirectUrl = body.redirect_url === undefined ? undefined : await checkRedirectUrl(ctx.env.DB, scope.tenantId, body.redirect_url);
    const minted = await mintConnectUrl(
      ctx.env,
      { tenantId: scope.tenantId, endUserId: scope.endUserId, connector: connector.id, label: body.label, redirectUrl },
      new URL(ctx.req.url).origin,
      Date.now(),
    );
    return {
      status: 201,
      body: {
        id: minted.connection_id,
        object: "connection",
        end_user_id: scope.endUserId,
        connector: connector.id,
        label: body.label ?? null,
        status: "pending",
        connect_url: minted.connect_url,
        expires_at: minted.expires_at,
      },
    };
  },

  async listConnections({ query }, ctx) {
    const scope = connectionScope(callerKey(ctx), query.end_user_id, "query.end_user_id");
    const rows = await listConnections(ctx.env.DB, scope.tenantId, { endUserId: scope.endUserId, connector: query.connector, limit: LIST_LIMIT });
    const defaults = defaultIds(rows);
    return { status: 200, body: { object: "list", data: rows.map((r) => connectionView(r, defaults.has(r.id))) } };
  },

  async deleteConnection({ params }, ctx) {
    const key = callerKey(ctx);
    const found = await findConnection(ctx.env.DB, key.tenant_id, params.id);
    if (found === null) throw connectionNotFound(params.id);
    assertMayUseConnection(key, found);
    const row = await revokeConnection(ctx.env, key.tenant_id, params.id, Date.now());
    if (row === null) throw connectionNotFound(params.id); // erased meanwhile
    return { status: 200, body: connectionView(row, false) };
  },
};
