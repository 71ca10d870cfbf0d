import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import { walletFor } from "../wallet/stub";

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

export async function settle(env: Env, key: KeyRecord, requestId: string, actualMicros: number, note: string): Promise<void> {
  const res = await walletFor(env.WALLET, key.tenant_id).settle(requestId, actualMicros, { note });
  if (!res.ok) console.error(`settle ${requestId}: ${res.message}`);
}
