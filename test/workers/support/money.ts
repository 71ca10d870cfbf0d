import { env } from "cloudflare:test";
import { findUsageEvent } from "../../../runtime/db/usage-events";
import { walletFor } from "../../../runtime/wallet/stub";
import type { LedgerEntry } from "../../../runtime/wallet/types";
import type { UsageEvent } from "../../../runtime/wallet/usage-outbox";
import { call } from "./seed";

/** A small mock/echo chat completion (about 130 micro-dollars worst case, a few dozen actual). */
export async function chat(key: string, opts: { surface?: "openai" | "anthropic"; text?: string; maxTokens?: number } = {}) {
  const text = opts.text ?? "hello there";
  const maxTokens = opts.maxTokens ?? 50;
  const res =
    opts.surface === "anthropic"
      ? await call("POST", "/v1/messages", key, { model: "mock/echo", max_tokens: maxTokens, messages: [{ role: "user", content: text }] })
      : await call("POST", "/v1/chat/completions", key, { model: "mock/echo", max_tokens: maxTokens, messages: [{ role: "user", content: text }] });
  const requestId = res.headers.get("x-qlaud-request-id") ?? "";
  const body = await res.json<Record<string, unknown>>();
  return { status: res.status, body, requestId };
}

/** Waits for the request's settlement to land in the tenant's D1 rows (it runs in waitUntil after the response). */
export async function usageRow(tenantId: string, requestId: string, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await findUsageEvent(env.DB, tenantId, requestId);
    if (row) return row;
    if (Date.now() > until) throw new Error(`no usage_events row for ${requestId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every ledger entry of a tenant's wallet, read straight from the Durable Object. */
export async function ledgerOf(tenantId: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let after = 0;
  for (;;) {
    const page = await walletFor(env.WALLET, tenantId).ledger({ limit: 500, after });
    out.push(...page.data);
    if (!page.has_more || page.next_after === null) return out;
    after = page.next_after;
  }
}

/** Mints a key through the API. */
export async function mintKey(masterKey: string, body: Record<string, unknown>) {
  const res = await call("POST", "/v1/keys", masterKey, { name: "k", ...body });
  if (res.status !== 201) throw new Error(`minting a key failed: ${res.status} ${await res.text()}`);
  return res.json<{ id: string; secret: string }>();
}

/** A usage row as the Wallet's outbox copies it to D1 (a mock/echo request), with `fields` changed. */
export function usageEvent(fields: Pick<UsageEvent, "tenant_id"> & Partial<UsageEvent>): UsageEvent {
  return {
    request_id: `req_${crypto.randomUUID()}`,
    key_id: "key_test",
    end_user_id: null,
    model: "mock/echo",
    provider: "mock",
    surface: "openai",
    input_tokens: 10,
    output_tokens: 5,
    cached_tokens: 0,
    cost_micros: 42,
    overshoot_micros: 0,
    outcome: "ok",
    created_at: Date.now(),
    ...fields,
  };
}
