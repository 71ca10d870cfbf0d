import { noticePage } from "../dashboard/views";
import { htmlResponse } from "../dashboard/response";
import * as flows from "../dashboard/flows";
import type { RequestContext } from "../http/context";
import type { AppHandlers } from "../router";

// The dashboard (/dashboard…): HTML for a tenant's operators, signed in with a master key
// exchanged for a session cookie (runtime/dashboard). Every failure is a page, never JSON.
type DashboardOps =
  | "showDashboardUsage"
  | "showDashboardSignIn"
  | "signInDashboard"
  | "signOutDashboard"
  | "showDashboardKeys"
  | "mintDashboardKey"
  | "revokeDashboardKey"
  | "showDashboardWallet"
  | "startDashboardTopUp"
  | "showDashboardRequests"
  | "showDashboardEndUsers";

export const dashboardHandlers: Pick<AppHandlers, DashboardOps> = {
  showDashboardUsage: (_input, ctx) => asPage(ctx, flows.showUsage),
  showDashboardSignIn: (_input, ctx) => asPage(ctx, flows.showSignIn),
  signInDashboard: (_input, ctx) => asPage(ctx, flows.signIn),
  signOutDashboard: (_input, ctx) => asPage(ctx, flows.signOut),
  showDashboardKeys: (_input, ctx) => asPage(ctx, flows.showKeys),
  mintDashboardKey: (_input, ctx) => asPage(ctx, flows.mintKey),
  revokeDashboardKey: (_input, ctx) => asPage(ctx, flows.revokeKey),
  showDashboardWallet: (_input, ctx) => asPage(ctx, flows.showWallet),
  startDashboardTopUp: (_input, ctx) => asPage(ctx, flows.startTopUp),
  showDashboardRequests: (_input, ctx) => asPage(ctx, flows.showRequests),
  showDashboardEndUsers: (input, ctx) => asPage(ctx, (c, now) => flows.showEndUsers(c, now, input.query.end_user_id)),
};

/** An unexpected failure (D1, the Wallet) is logged for the operator and shown as a plain 500 page. */
async function asPage(ctx: RequestContext, flow: (ctx: RequestContext, nowMs: number) => Promise<Response>): Promise<Response> {
  try {
    return await flow(ctx, Date.now());
  } catch (err) {
    console.error(`dashboard ${new URL(ctx.req.url).pathname} failed: ${err instanceof Error ? err.message : String(err)}`);
    return htmlResponse(500, noticePage("Something went wrong on our side", `Nothing was changed by this page. Try again; if it keeps failing, the operator's logs have request ${ctx.requestId}.`));
  }
}
