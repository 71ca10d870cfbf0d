// The pages without a form, one per reason a connect link cannot be used, each with its status
// and what the end user should do next.
import type { ConnectSessionState } from "../db/connect-sessions";
import { renderNotice } from "./render";
import { htmlPage } from "./response";

export interface Notice {
  status: 404 | 410 | 413 | 415 | 500;
  title: string;
  message: string;
}

const ASK_AGAIN = "Go back to the app and start connecting again to get a new link.";

export const NOTICES = {
  unknown: { status: 404, title: "This connect link is not valid", message: `Check that the whole link was copied. ${ASK_AGAIN}` },
  expired: { status: 410, title: "This connect link has expired", message: `Connect links work for a few minutes only. ${ASK_AGAIN}` },
  used: { status: 410, title: "This connect link was already used", message: `The account was connected with it, and a link works once. ${ASK_AGAIN}` },
  exhausted: { status: 410, title: "Too many attempts with this link", message: `For your safety a link allows only a few tries. ${ASK_AGAIN}` },
  connectorGone: { status: 410, title: "This connection is no longer offered", message: "The app no longer offers this service. Go back to the app." },
  tooLarge: { status: 413, title: "The form was too large", message: "Each field takes a single key or token. Go back, check the values and send the form again." },
  notForm: { status: 415, title: "The form could not be read", message: "Send the form from the connect page itself." },
  internal: { status: 500, title: "Something went wrong on our side", message: "Nothing was stored. Try again in a moment; if it keeps happening, tell the app's support." },
} as const satisfies Record<string, Notice>;

/** The notice for a session that is not open. */
export function noticeOfState(state: Exclude<ConnectSessionState, "open">): Notice {
  return NOTICES[state];
}

/** A refusal on the last try: the exhausted notice, with the vendor's reason first. */
export function lastTryRefused(vendorName: string, reason: string): Notice {
  return { ...NOTICES.exhausted, message: `${vendorName} refused the details: ${reason}. ${NOTICES.exhausted.message}` };
}

/** The notice as a page, with its status. */
export function noticePage(n: Notice): Promise<Response> {
  return htmlPage(n.status, renderNotice({ title: n.title, message: n.message }));
}
