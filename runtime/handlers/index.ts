import type { AppHandlers } from "../router";
import { adminHandlers } from "./admin";
import { gatewayHandlers } from "./gateway";
import { keyHandlers } from "./keys";
import { metaHandlers } from "./meta";
import { walletHandlers } from "./wallet";

/** Every operation in the spec has exactly one handler here; tsc fails when one is missing. */
export const handlers: AppHandlers = {
  ...metaHandlers,
  ...keyHandlers,
  ...walletHandlers,
  ...adminHandlers,
  ...gatewayHandlers,
};
