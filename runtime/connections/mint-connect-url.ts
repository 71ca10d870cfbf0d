// A connect URL: a new pending connection and its one-time session, in one D1 batch. The URL
// carries the only copy of the token (the session stores its SHA-256). Several accounts of one
// vendor are allowed, so an app's POST /v1/connections makes a new pending connection each time
// (the label tells them apart). A tool call that finds no account (`reusePending`) mints a new
// URL for the end user's pending connection of that vendor instead, so a model that asks again
// and again leaves one row, not one per call.
import { CONNECT_SESSION_TTL_MS, insertConnectSessionStatement, newConnectToken } from "../db/connect-sessions";
import { findPendingConnectionId, insertPendingConnectionStatement, newConnectionId } from "../db/connections";
import { connectableConnector } from "./connector-lookup";
import { publicBaseUrl } from "./public-url";

export interface ConnectUrlRequest {
  tenantId: string;
  endUserId: string;
  connector: string;
  label?: string | undefined;
  /** Where the page sends the end user when done; the caller checked it (redirect-url.ts). */
  redirectUrl?: string | undefined;
  /** Mint the URL for the end user's newest pending connection of this connector and label, when one exists. */
  reusePending?: boolean;
}

export interface ConnectUrl {
  connection_id: string;
  connect_url: string;
  /** Epoch ms after which the URL no longer works. */
  expires_at: number;
}

/**
 * Mints a connect URL for a new pending connection. `origin` is the API request's own origin,
 * used when PUBLIC_URL is not set. Throws ApiError for an unknown or auth-less connector.
 */
export async function mintConnectUrl(env: Env, req: ConnectUrlRequest, origin: string, now: number): Promise<ConnectUrl> {
  const connector = connectableConnector(req.connector);
  const base = publicBaseUrl(env, origin);
  const label = req.label ?? null;
  const pending = req.reusePending === true ? await findPendingConnectionId(env.DB, req.tenantId, { endUserId: req.endUserId, connector: connector.id, label }) : null;
  const id = pending ?? newConnectionId();
  const { token, hash } = await newConnectToken();
  const expiresAt = now + CONNECT_SESSION_TTL_MS;
  const session = insertConnectSessionStatement(env.DB, { tokenHash: hash, tenantId: req.tenantId, connectionId: id, expiresAt, redirectUrl: req.redirectUrl ?? null, now });
  if (pending !== null) await session.run();
  else await env.DB.batch([insertPendingConnectionStatement(env.DB, req.tenantId, { id, endUserId: req.endUserId, connector: connector.id, label, now }), session]);
  return { connection_id: id, connect_url: `${base}/connect/${token}`, expires_at: expiresAt };
}
