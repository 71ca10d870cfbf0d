import type { KeyRecord } from "../auth/key-store";
import type { UsageEvent } from "../wallet/usage-outbox";
import { leases, type Hold } from "./leases";

export type { Hold } from "./leases";

/**
 * Money around one gateway request: set the worst case aside in the tenant's Wallet before
 * anything is forwarded (402, and no upstream call, when it cannot be covered), settle the
 * actual cost when the response ends — also after a disconnect or an upstream failure.
 * Both go through the isolate's lease on the key (leases.ts), so most requests make no
 * Wallet call of their own; the rules are the Wallet's either way. `exec` keeps a background
 * top-up of the lease that this request started alive after the response. With
 * `opts.minMicros`, a worst case that cannot be covered in full is held down to what can be
 * (never below minMicros): the returned hold's `worstMicros` is what was actually held.
 */
export function reserve(
  env: Env,
  key: KeyRecord,
  requestId: string,
  worstCaseMicros: number,
  exec?: ExecutionContext,
  opts?: { minMicros?: number },
): Promise<Hold> {
  return leases.reserve(env, key, requestId, worstCaseMicros, exec ? (work) => exec.waitUntil(work) : undefined, opts);
}

/**
 * What one request consumed, as the gateway knows it: the usage_events row (see
 * wallet/usage-outbox.ts) without what the key and the Wallet fill in. `outcome`: ok,
 * client_disconnected, upstream_error, no_provider, …
 */
export type UsageRecord = Omit<UsageEvent, "request_id" | "tenant_id" | "key_id" | "end_user_id" | "cost_micros" | "overshoot_micros" | "created_at">;

/**
 * Settles the request at its actual cost, in full: above what was set aside too (charged and
 * flagged as an overshoot, never waived).
 * The Wallet records the usage row in the same commit as the charge, with the amount really
 * charged, and copies it to D1 in batches: ledger and usage always agree. A promise comes
 * back when this call scheduled the batch that carries the charge: hand it to waitUntil.
 */
export function settle(env: Env, key: KeyRecord, hold: Hold, actualMicros: number, usage: UsageRecord): Promise<void> | undefined {
  const note = `${usage.model} via ${usage.provider}: ${usage.input_tokens} in, ${usage.cached_tokens} cached, ${usage.output_tokens} out (${usage.outcome})`;
  // Nothing reached a provider (refused before, or no provider answered): no usage row.
  const consumed = actualMicros > 0 || usage.input_tokens > 0 || usage.output_tokens > 0;
  const row = consumed ? { tenant_id: key.tenant_id, key_id: key.id, end_user_id: key.end_user_id, ...usage } : undefined;
  return leases.settle(env, hold, actualMicros, note, row);
}

/** Before reading a tenant's money: this isolate's queued charges reach the Wallet first. */
export function settleQueued(env: Env, tenantId: string): Promise<void> {
  return leases.flushTenant(env, tenantId);
}

/** Before a standard key reads its own usage: only that key's queued charges are sent. */
export function settleQueuedKey(env: Env, tenantId: string, keyId: string): Promise<void> {
  return leases.flushKey(env, tenantId, keyId);
}

/** After a key is revoked or its cap changed here: stop spending from this isolate's lease at once. */
export function keyChanged(tenantId: string, keyId: string): void {
  leases.forgetKey(tenantId, keyId);
}
