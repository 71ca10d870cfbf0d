// A connect URL: a new pending connection and its one-time session, in one D1 batch. The URL
// carries the only copy of the token (the session stores its SHA-256). Several accounts of one
// vendor are allowed, so every call makes a new pending connection; the label tells them apart.
import { CONNECT_SESSION_TTL_MS, insertConnectSessionStatement, newConnectToken } from "../db/connect-sessions";
import { insertPendingConnectionStatement, newConnectionId } from "../db/connections";
import { connectableConnector } from "./connector-lookup";
import { publicBaseUrl } from "./public-url";

export interface ConnectUrlRequest {
  tenantId: string;
  endUserId: string;
  connector: string;
  label?: string | undefined;
  /** Where the page sends the end user when done; the caller checked it (redirect-url.ts). */
  redirectUrl?: string | undefined;
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
  const id = newConnectionId();
  const { token, hash } = await newConnectToken();
  const expiresAt = now + CONNECT_SESSION_TTL_MS;
  await env.DB.batch([
    insertPendingConnectionStatement(env.DB, req.tenantId, { id, endUserId: req.endUserId, connector: connector.id, label: req.label ?? null, now }),
    insertConnectSessionStatement(env.DB, { tokenHash: hash, tenantId: req.tenantId, connectionId: id, expiresAt, redirectUrl: req.redirectUrl ?? null, now }),
  ]);
  return { connection_id: id, connect_url: `${base}/connect/${token}`, expires_at: expiresAt };
}
