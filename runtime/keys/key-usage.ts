// A key's spend as its tenant (or the key itself) may read it: the Wallet's live figures
// and the per-model rows already copied to D1.
import type { components } from "../../generated/api/types";
import { findTenantKey, type KeyRecord } from "../db/api-keys";
import { notFound } from "../errors";
import { settleQueued, settleQueuedKey } from "../gateway/billing";
import { keyUsageByModel } from "../usage/report";
import { walletFor } from "../wallet/stub";
import { checkMayReadKeyUsage, settleScopeFor, type SettleScope } from "./key-access";

type KeyUsage = components["schemas"]["KeyUsage"];

export async function readKeyUsage(env: Env, caller: KeyRecord, keyId: string): Promise<KeyUsage> {
  checkMayReadKeyUsage(caller, keyId);
  // Revoked keys stay readable: their spend still has to be invoiced.
  if (!(await findTenantKey(env.DB, caller.tenant_id, keyId))) throw notFound(`no key ${keyId} in this tenant`);
  const wallet = walletFor(env.WALLET, caller.tenant_id);
  // Usage rows reach D1 in batches from the Wallet: send this isolate's queued charges, copy, then read.
  await settleFirst(env, caller.tenant_id, settleScopeFor(caller));
  await wallet.flushUsage();
  const [state, byModel] = await Promise.all([wallet.keyState(keyId), keyUsageByModel(env.DB, caller.tenant_id, keyId)]);
  const sum = (pick: (m: (typeof byModel)[number]) => number) => byModel.reduce((n, m) => n + pick(m), 0);
  return {
    key_id: keyId,
    cost_micros: state.spent_micros,
    reserved_micros: state.reserved_micros,
    cap_micros: state.cap_micros,
    requests: sum((m) => m.requests),
    input_tokens: sum((m) => m.input_tokens),
    output_tokens: sum((m) => m.output_tokens),
    by_model: byModel,
  };
}

function settleFirst(env: Env, tenantId: string, scope: SettleScope): Promise<void> {
  switch (scope.kind) {
    case "tenant":
      return settleQueued(env, tenantId);
    case "key":
      return settleQueuedKey(env, tenantId, scope.keyId);
    default: {
      const never: never = scope;
      throw new Error(`unknown settle scope ${JSON.stringify(never)}`);
    }
  }
}
