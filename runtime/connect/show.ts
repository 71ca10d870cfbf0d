// GET /connect/:token: the empty form, or the notice that says why the link cannot be used.
import { formView } from "./form-view";
import { noticePage } from "./notices";
import { isNotice, openSession } from "./open-session";
import { renderForm } from "./render";
import { htmlPage, originOf } from "./response";

export async function showConnectForm(env: Env, token: string, now: number): Promise<Response> {
  const opened = await openSession(env, token, now);
  if (isNotice(opened)) return noticePage(opened);
  return htmlPage(200, renderForm(formView(opened.appName, opened.form)), originOf(opened.lookup.session.redirect_url));
}
