// Helpers of the connections tests (connections-*.test.ts): a connection started through the
// API, its token taken from the connect URL, and finished the way the connect page finishes it
// (seal for the row, then completeConnection) without a browser.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { completeConnection, findConnectSession } from "../../../runtime/db/connect-sessions";
import { sealConnectionCredential } from "../../../runtime/connections/seal";
import { call } from "./seed";

export interface CreatedConnectionJson {
  id: string;
  object: "connection";
  end_user_id: string;
  connector: string;
  label: string | null;
  status: "pending";
  connect_url: string;
  expires_at: number;
}

export interface ConnectionJson {
  id: string;
  object: "connection";
  end_user_id: string;
  connector: string;
  label: string | null;
  status: string;
  created_at: number;
  connected_at: number | null;
  last_error: string | null;
  is_default: boolean;
}

/** POST /v1/connections, expecting 201. */
export async function startConnection(key: string, body: Record<string, unknown>): Promise<CreatedConnectionJson> {
  const res = await call("POST", "/v1/connections", key, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<CreatedConnectionJson>();
}

/** The one-time token at the end of a connect URL. */
export function tokenOf(connectUrl: string): string {
  const token = new URL(connectUrl).pathname.split("/").at(-1);
  if (!token) throw new Error(`no token in ${connectUrl}`);
  return token;
}

/** Finishes a started connection as the connect page would; returns whether it won. */
export async function finishConnection(created: CreatedConnectionJson, credential: Record<string, string>, now = Date.now(), config: Record<string, string> = {}): Promise<boolean> {
  const found = await findConnectSession(env, tokenOf(created.connect_url), now);
  if (found === null) throw new Error(`no session for ${created.id}`);
  const sealed = await sealConnectionCredential(env, found.connection, credential);
  return completeConnection(env, found.session, { sealedCredential: sealed, config, mcpTools: null }, now);
}

/** GET /v1/connections as JSON (expects 200). */
export async function listConnectionsOf(key: string, query: string): Promise<ConnectionJson[]> {
  const res = await call("GET", `/v1/connections?${query}`, key);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json<{ data: ConnectionJson[] }>()).data;
}
