// The benchmark's baseline: the gateway with the Wallet taken out. Swapped in for
// runtime/gateway/billing.ts at bundle time (see bundle.ts); never part of the product.
import type * as billing from "../../runtime/gateway/billing";

export type { UsageRecord } from "../../runtime/gateway/billing";

const NO_HOLD = {} as billing.Hold;

/** No draw from a lease: nothing is checked or held. */
export const reserve: typeof billing.reserve = async () => NO_HOLD;

/** No charge in a lease batch and no usage_events row. */
export const settle: typeof billing.settle = () => undefined;

export const settleQueued: typeof billing.settleQueued = async () => {};
export const settleQueuedKey: typeof billing.settleQueuedKey = async () => {};
export const keyChanged: typeof billing.keyChanged = () => {};
