// The benchmark's baseline: the gateway with the Wallet taken out. Swapped in for
// runtime/gateway/billing.ts at bundle time (see bundle.ts); never part of the product.
import type * as billing from "../../runtime/gateway/billing";

export type { UsageRecord } from "../../runtime/gateway/billing";

/** No reservation: nothing is checked or held. */
export const reserve: typeof billing.reserve = async () => {};

/** No settlement and no usage_events row. */
export const settle: typeof billing.settle = async () => {};
