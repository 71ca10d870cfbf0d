// Helpers of the tools tests (tools-*.test.ts): the Worker called with extra vars (a vault
// key, CONNECTOR_<ID>_URL pointing at the local receiver under a per-test prefix), the
// receiver scripted over HTTP, standard keys, and connected accounts sealed straight into D1.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import { sealConnectionCredential } from "../../../runtime/connections/seal";
import { insertPendingConnectionStatement, newConnectionId } from "../../../runtime/db/connections";
import worker from "../../../runtime/index";
import type { components } from "../../../generated/api/types";
import type { ReceivedRequest, ReceiverReply } from "../../support/webhook-receiver";

export const RECEIVER = inject("webhookReceiverUrl");

/** A test-only vault key (32 random bytes per file). */
const VAULT_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

/** The Worker's env with a vault key and the given vars (e.g. CONNECTOR_GITHUB_URL). */
export function toolsEnv(vars: Record<string, string> = {}): Env {
  return { ...env, VAULT_KEY, ...vars } as Env;
}

type ToolSuccess = components["schemas"]["ToolExecutionSuccess"];
type ToolFailure = components["schemas"]["ToolExecutionFailure"];
/** POST /v1/tools/execute's 200 body (the spec's success | failure) with each side's fields optional, so a test reads any of them before checking `ok`. */
export type Executed = { tool: string; ok: boolean } & Partial<Omit<ToolSuccess, "tool" | "ok">> & Partial<Omit<ToolFailure, "tool" | "ok">>;

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** One request through the Worker with `e`; the JSON answer, after the request's waitUntil work. */
export async function api<T = Record<string, unknown>>(e: Env, method: string, path: string, key: string | null, body?: unknown): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = key ? { "x-api-key": key } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const ctx = createExecutionContext();
  const req = new Request(`http://gatehouse.test${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const res = await worker.fetch(req as Request<unknown, IncomingRequestCfProperties>, e, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (text === "" ? null : JSON.parse(text)) as T, headers: res.headers };
}

/** A standard key acting for `endUserId`, minted through the API. */
export async function standardKey(e: Env, masterKey: string, endUserId: string): Promise<string> {
  const res = await api<{ secret: string }>(e, "POST", "/v1/keys", masterKey, { name: endUserId, scope: "standard", end_user_id: endUserId });
  if (res.status !== 201) throw new Error(`minting a key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.secret;
}

/** A connected account of `endUserId` at `connector`, its credential sealed as the connect page would. */
export async function connectedAccount(e: Env, tenantId: string, endUserId: string, connector: string, credential: Record<string, string>, connectedAt = Date.now()): Promise<string> {
  const id = newConnectionId();
  await insertPendingConnectionStatement(e.DB, tenantId, { id, endUserId, connector, label: null, now: connectedAt }).run();
  const sealed = await sealConnectionCredential(e, { tenant_id: tenantId, end_user_id: endUserId, connector, id }, credential);
  await e.DB.prepare("UPDATE connections SET status = 'connected', credential = ?, connected_at = ? WHERE tenant_id = ? AND id = ?").bind(sealed, connectedAt, tenantId, id).run();
  return id;
}

/** Replies for requests under `path` on the receiver (the last repeats). */
export async function script(path: string, ...replies: ReceiverReply[]): Promise<void> {
  const res = await fetch(`${RECEIVER}/__receiver/script`, { method: "POST", body: JSON.stringify({ path, replies }) });
  if (res.status !== 204) throw new Error(`scripting the receiver: ${res.status}`);
}

/** What the receiver got under `path`. */
export async function received(path: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${RECEIVER}/__receiver/requests?path=${encodeURIComponent(path)}`)).json();
}

/** A path prefix no other test uses. */
export function freshPrefix(label: string): string {
  return `/${label}-${crypto.randomUUID().slice(0, 8)}`;
}
