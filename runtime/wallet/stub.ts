// How callers reach a tenant's wallet: one Durable Object per tenant, named by tenant id.
// Kept apart from wallet-object.ts (type-only import) so node code can import it.

import type { Wallet } from "./wallet-object";

/** The tenant's Wallet stub with its RPC methods typed. */
export function walletFor(namespace: DurableObjectNamespace<Wallet>, tenantId: string): DurableObjectStub<Wallet> {
  return namespace.get(namespace.idFromName(tenantId));
}
