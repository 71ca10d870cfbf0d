// Webhook tools: a tenant's own tools, run by POSTing the arguments to its URL, signed with a
// secret shown once at creation and kept sealed in the vault. The vault binding is
// { tenantId, endUserId: ":tenant", connectorId: ":webhook-tool", connectionId: <name> }:
// the colons keep it apart from any connection's binding (connector ids are manifest ids,
// which never start with ":"), and a record copied to another tool or tenant does not open.
import { configOf } from "../config";
import { deleteWebhookTool, findWebhookTool, insertWebhookTool, listWebhookTools, type WebhookToolRow } from "../db/webhook-tools";
import { ApiError, badRequest } from "../errors";
import { toHex } from "../bytes";
import { keyringOf, open, seal, type VaultBinding } from "../vault/vault";
import { checkInputSchema } from "./webhook-schema";

/** A webhook tool as the API shows it (never the secret). */
export interface WebhookToolView {
  name: string;
  object: "tool";
  description: string;
  input_schema: Record<string, unknown>;
  url: string;
  created_at: number;
}

export interface WebhookToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  url: string;
}

const SECRET_PREFIX = "whts_";
const MAX_TOOLS = 200;

export function webhookSecretBinding(tenantId: string, name: string): VaultBinding {
  return { tenantId, endUserId: ":tenant", connectorId: ":webhook-tool", connectionId: name };
}

export function webhookToolView(row: WebhookToolRow): WebhookToolView {
  return { name: row.name, object: "tool", description: row.description, input_schema: JSON.parse(row.input_schema) as Record<string, unknown>, url: row.url, created_at: row.created_at };
}

/** Registers the tool; 409 when the tenant has one by that name. Returns it with its secret (shown once). */
export async function createWebhookTool(env: Env, tenantId: string, def: WebhookToolDefinition, now: number): Promise<WebhookToolView & { signing_secret: string }> {
  checkInputSchema(def.input_schema);
  checkWebhookUrl(def.url, configOf(env).production);
  if ((await listWebhookTools(env.DB, tenantId)).length >= MAX_TOOLS) {
    throw badRequest(`a tenant may register at most ${MAX_TOOLS} webhook tools; delete one you no longer use (DELETE /v1/tools/{name})`, "body.name");
  }
  const secret = newSigningSecret();
  const sealed = await seal(await keyringOf(env), webhookSecretBinding(tenantId, def.name), { signing_secret: secret });
  const row: WebhookToolRow = { tenant_id: tenantId, name: def.name, description: def.description, input_schema: JSON.stringify(def.input_schema), url: def.url, signing_secret: sealed, created_at: now };
  if (!(await insertWebhookTool(env.DB, row))) {
    throw new ApiError("conflict", `a webhook tool named ${JSON.stringify(def.name)} already exists; delete it first (DELETE /v1/tools/${def.name}) or choose another name`, { param: "body.name" });
  }
  return { ...webhookToolView(row), signing_secret: secret };
}

export async function listWebhookToolViews(env: Env, tenantId: string): Promise<WebhookToolView[]> {
  return (await listWebhookTools(env.DB, tenantId)).map(webhookToolView);
}

/** Deletes the tool; 404 when the tenant has none by that name. */
export async function removeWebhookTool(env: Env, tenantId: string, name: string): Promise<void> {
  if (!(await deleteWebhookTool(env.DB, tenantId, name))) throw webhookToolNotFound(name);
}

export async function findWebhookToolRow(env: Env, tenantId: string, name: string): Promise<WebhookToolRow | null> {
  return findWebhookTool(env.DB, tenantId, name);
}

/** The tool's signing secret, opened from the vault. */
export async function openSigningSecret(env: Env, row: WebhookToolRow): Promise<string> {
  const secret = await open(await keyringOf(env), row.signing_secret, webhookSecretBinding(row.tenant_id, row.name));
  if (typeof secret.signing_secret !== "string") throw new ApiError("internal", `webhook tool ${row.name}: its sealed record holds no signing secret; delete and register the tool again`);
  return secret.signing_secret;
}

export function webhookToolNotFound(name: string): ApiError {
  return new ApiError("not_found", `there is no webhook tool ${JSON.stringify(name.slice(0, 100))} in this tenant; GET /v1/tools lists them`);
}

/** https anywhere; http only to localhost or 127.0.0.1, and never in production. */
export function checkWebhookUrl(text: string, production: boolean): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest(`url must be an absolute https URL, got ${JSON.stringify(text.slice(0, 100))}`, "body.url");
  }
  if (url.username || url.password) throw badRequest("url must not carry a user name or password; authenticate calls with X-Qlaud-Signature instead", "body.url");
  if (url.protocol === "https:") return;
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (url.protocol === "http:" && local && !production) return;
  const why = url.protocol === "http:" && local ? "http is allowed only outside production" : "http is allowed only for localhost and 127.0.0.1, outside production";
  throw badRequest(`url must use https (${why}), got ${JSON.stringify(text.slice(0, 100))}`, "body.url");
}

/** 32 random bytes, hex, with a recognisable prefix. */
function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return SECRET_PREFIX + toHex(bytes);
}
