// POST /connect/:token, step by step: session → form → field checks → one attempt reserved →
// the vendor asked → sealed → the connection completed (once). Each way out is a page: the
// form again with what to fix, a notice, the success page, or a 303 back to the app.
import { completeConnection, failConnection, recordConnectAttempt } from "../db/connect-sessions";
import { keyringOf, seal } from "../vault/vault";
import { checkForm } from "./check-form";
import { formView } from "./form-view";
import { lastTryRefused, noticePage, NOTICES, type Notice } from "./notices";
import { isNotice, openSession } from "./open-session";
import { readForm } from "./read-form";
import { renderForm, renderSuccess } from "./render";
import { htmlPage, originOf, seeOther } from "./response";
import { verifyConnection, type Verifiers } from "./verify";

export async function submitConnectForm(env: Env, req: Request, token: string, now: number, deps: Verifiers): Promise<Response> {
  const opened = await openSession(env, token, now);
  if (isNotice(opened)) return noticePage(opened);
  const { lookup, form, appName } = opened;
  const redirectOrigin = originOf(lookup.session.redirect_url);
  const posted = await readForm(req);
  if (!(posted instanceof URLSearchParams)) return noticePage(posted);

  const checked = checkForm(form, posted);
  if (Object.keys(checked.errors).length > 0) {
    return htmlPage(400, renderForm(formView(appName, form, { posted, errors: checked.errors })), redirectOrigin);
  }
  // Before the vendor is asked: a deployment without a vault key fails here, costing no try.
  const keyring = await keyringOf(env);
  const attempt = await recordConnectAttempt(env, lookup.session, now);
  if (!attempt.allowed) return noticePage(await stateNow(env, token, now));

  const connectionId = lookup.connection.id;
  const verdict = await verifyConnection(env, form, { credential: checked.credential, config: checked.config, connectionId }, deps);
  if (!verdict.ok) {
    await failConnection(env, lookup.session, verdict.message, now);
    if (attempt.attemptsLeft === 0) return noticePage(lastTryRefused(form.vendorName, verdict.message));
    const problem =
      verdict.kind === "refused"
        ? { heading: `${form.vendorName} did not accept these details`, message: `${form.vendorName} said: ${verdict.message}` }
        : { heading: `${form.vendorName} could not be reached`, message: `Nothing was stored. Try again in a moment. (${verdict.message})` };
    const page = renderForm(formView(appName, form, { posted, problem, attemptsLeft: attempt.attemptsLeft }));
    return htmlPage(verdict.kind === "refused" ? 422 : 502, page, redirectOrigin);
  }

  const binding = { tenantId: lookup.session.tenant_id, endUserId: lookup.connection.end_user_id, connectorId: form.id, connectionId };
  const sealedCredential = await seal(keyring, binding, checked.credential);
  const won = await completeConnection(env, lookup.session, { sealedCredential, config: checked.config, mcpTools: verdict.mcpTools }, now);
  if (!won) return noticePage(NOTICES.used);
  if (lookup.session.redirect_url) return seeOther(backToApp(lookup.session.redirect_url, connectionId));
  return htmlPage(200, renderSuccess({ appName, vendorName: form.vendorName }));
}

/** Why the session refused a try just now (a parallel submission may have used or exhausted it). */
async function stateNow(env: Env, token: string, now: number): Promise<Notice> {
  const again = await openSession(env, token, now);
  return isNotice(again) ? again : NOTICES.exhausted;
}

/** The app's redirect URL with the outcome in its query. */
function backToApp(redirectUrl: string, connectionId: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set("connection_id", connectionId);
  url.searchParams.set("status", "connected");
  return url.toString();
}
