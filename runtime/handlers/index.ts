import type { AppHandlers } from "../router";
import { adminHandlers } from "./admin";
import { billingHandlers } from "./billing";
import { connectPageHandlers } from "./connect-page";
import { connectionHandlers } from "./connections";
import { corsHandlers } from "./cors";
import { dashboardHandlers } from "./dashboard";
import { gatewayHandlers } from "./gateway";
import { keyHandlers } from "./keys";
import { metaHandlers } from "./meta";
import { requestLogHandlers } from "./requests";
import { searchHandlers } from "./search";
import { threadTurnHandlers } from "./thread-turns";
import { toolHandlers } from "./tools";
import { threadHandlers } from "./threads";
import { usageHandlers } from "./usage";
import { walletHandlers } from "./wallet";
import { webhookHandlers } from "./webhooks";

/** Every operation in the spec has exactly one handler here; tsc fails when one is missing. */
export const handlers: AppHandlers = {
  ...metaHandlers,
  ...keyHandlers,
  ...corsHandlers,
  ...walletHandlers,
  ...usageHandlers,
  ...requestLogHandlers,
  ...webhookHandlers,
  ...billingHandlers,
  ...adminHandlers,
  ...gatewayHandlers,
  ...threadHandlers,
  ...threadTurnHandlers,
  ...searchHandlers,
  ...connectionHandlers,
  ...connectPageHandlers,
  ...toolHandlers,
  ...dashboardHandlers,
};
