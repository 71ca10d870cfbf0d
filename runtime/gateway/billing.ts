import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import { walletFor } from "../wallet/stub";
import type { UsageEvent } from "../wallet/usage-outbox";

/**
 * Money around one gateway request: reserve the worst case in the tenant's Wallet before
 * anything is forwarded (402, and no upstream call, when it cannot be covered), settle the
 * actual cost when the response ends — also after a disconnect or an upstream failure.
 */
export async function reserve(env: Env, key: KeyRecord, requestId: string, worstCaseMicros: number): Promise<void> {
  const res = await walletFor(env.WALLET, key.tenant_id).reserve(requestId, key.id, worstCaseMicros);
  if (res.ok) return;
  const extra = { needed_micros: res.needed_micros, available_micros: res.available_micros };
  switch (res.type) {
    case "insufficient_funds":
      throw new ApiError("insufficient_funds", `${res.message}; top up the wallet or lower max_tokens`, undefined, extra);
    case "cap_exceeded":
      throw new ApiError("cap_exceeded", `${res.message}; raise the key's max_spend_usd or lower max_tokens`, undefined, extra);
    case "key_revoked":
      throw new ApiError("authentication", "invalid or revoked API key");
    default: {
      const never: never = res.type;
      throw new ApiError("internal", `unknown wallet refusal ${String(never)}`);
    }
  }
}

/**
 * What one request consumed, as the gateway knows it: the usage_events row (see
 * wallet/usage-outbox.ts) without what the key and the Wallet fill in. `outcome`: ok,
 * client_disconnected, upstream_error, no_provider, …
 */
export type UsageRecord = Omit<UsageEvent, "request_id" | "tenant_id" | "key_id" | "end_user_id" | "cost_micros" | "created_at">;

/**
 * Settles the reservation at the actual cost (the wallet charges at most what it reserved).
 * The Wallet records the usage row in the same commit as the charge, with the amount really
 * charged, and copies it to D1 in batches: ledger and usage always agree.
 */
export async function settle(env: Env, key: KeyRecord, requestId: string, actualMicros: number, usage: UsageRecord): Promise<void> {
  const note = `${usage.model} via ${usage.provider}: ${usage.input_tokens} in, ${usage.cached_tokens} cached, ${usage.output_tokens} out (${usage.outcome})`;
  // Nothing reached a provider (refused before, or no provider answered): no usage row.
  const consumed = actualMicros > 0 || usage.input_tokens > 0 || usage.output_tokens > 0;
  const res = await walletFor(env.WALLET, key.tenant_id).settle(requestId, actualMicros, {
    note,
    ...(consumed ? { usage: { tenant_id: key.tenant_id, key_id: key.id, end_user_id: key.end_user_id, ...usage } } : {}),
  });
  if (!res.ok) console.error(`settle ${requestId}: ${res.message}`);
}
