// One call of a webhook tool: the arguments checked against its schema, then POSTed as
// `{tool, args, end_user_id, request_id}` with `X-Qlaud-Timestamp: <unix seconds>` and
// `X-Qlaud-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. Sent through
// the connector executor (runtime/tools/execute.ts), so the receiver gets the same host guard,
// timeout, bounded retries and trimming as a vendor, and its non-2xx is a tool error.
import type { WebhookToolRow } from "../db/webhook-tools";
import { executeTool } from "../tools/execute";
import { checkInput } from "../tools/input-errors";
import type { ToolOutcome } from "../tools/types";
import { toHex } from "../bytes";
import { hmacSha256 } from "../webhooks/hmac";
import { webhookArgsValidator } from "./webhook-schema";
import { openSigningSecret } from "./webhook-tools";

export interface WebhookCall {
  args: unknown;
  /** The end user the call is made for, or null (a master key's tenant-level call). */
  endUserId: string | null;
  requestId: string;
  now: number;
  signal?: AbortSignal | undefined;
  /** Per attempt (default 30 s, the executor's). */
  timeoutMs?: number;
}

/** The signature header's value for a body sent at `timestamp` (unix seconds). */
export async function webhookSignature(secret: string, timestamp: number, body: string): Promise<string> {
  return `sha256=${toHex(await hmacSha256(secret, `${timestamp}.${body}`))}`;
}

export async function callWebhookTool(env: Env, row: WebhookToolRow, call: WebhookCall): Promise<ToolOutcome> {
  const invalid = checkInput(webhookArgsValidator(JSON.parse(row.input_schema) as Record<string, unknown>), call.args);
  if (invalid) return invalid;
  const secret = await openSigningSecret(env, row);
  const body = JSON.stringify({ tool: row.name, args: call.args, end_user_id: call.endUserId, request_id: call.requestId });
  const timestamp = Math.floor(call.now / 1000);
  const headers = {
    "content-type": "application/json",
    "x-qlaud-timestamp": String(timestamp),
    "x-qlaud-signature": await webhookSignature(secret, timestamp, body),
  };
  return executeTool(
    { method: "POST", url: row.url, headers, body },
    {
      baseUrl: row.url,
      auth: { mode: "none" },
      // The secret never goes on the wire, but redacting it costs nothing if a receiver echoes it.
      credential: { signing_secret: secret },
      connectionId: `webhook:${row.tenant_id}:${row.name}`,
      signal: call.signal,
      ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    },
  );
}
