import { showConnectForm } from "../connect/show";
import { submitConnectForm } from "../connect/submit";
import { NOTICES, noticePage } from "../connect/notices";
import { connectVerifiers } from "../connect/verifiers";
import type { AppHandlers } from "../router";

// The hosted connect page (GET|POST /connect/:token): HTML for the end user's browser, no API
// key (the token is the authority). Every failure is a page, never the API's JSON error.
export const connectPageHandlers: Pick<AppHandlers, "showConnectPage" | "submitConnectPage"> = {
  async showConnectPage(input, ctx) {
    return asPage(() => showConnectForm(ctx.env, input.params.token, Date.now()));
  },
  async submitConnectPage(input, ctx) {
    return asPage(() => submitConnectForm(ctx.env, ctx.req, input.params.token, Date.now(), connectVerifiers));
  },
};

/** An unexpected failure (D1, a missing vault key) is logged for the operator and shown as a plain page. */
async function asPage(page: () => Promise<Response>): Promise<Response> {
  try {
    return await page();
  } catch (err) {
    console.error(`connect page failed: ${err instanceof Error ? err.message : String(err)}`);
    return noticePage(NOTICES.internal);
  }
}
