// The first step of both the GET and the POST: the token's session, its connector's form and
// the app's name — or the notice that ends the visit (unknown, expired, used, exhausted link,
// connector gone).
import { findConnectSession, type ConnectSessionLookup } from "../db/connect-sessions";
import { tenantName } from "../db/tenants";
import { connectorForm, type ConnectorForm } from "./connector-form";
import { NOTICES, noticeOfState, type Notice } from "./notices";

export interface OpenSession {
  lookup: ConnectSessionLookup;
  form: ConnectorForm;
  appName: string;
}

export async function openSession(env: Env, token: string, now: number): Promise<OpenSession | Notice> {
  const lookup = await findConnectSession(env, token, now);
  if (lookup === null) return NOTICES.unknown;
  if (lookup.state !== "open") return noticeOfState(lookup.state);
  const form = connectorForm(lookup.connection.connector);
  if (form === null) return NOTICES.connectorGone;
  const appName = (await tenantName(env.DB, lookup.session.tenant_id)) ?? "The app";
  return { lookup, form, appName };
}

export function isNotice(x: OpenSession | Notice): x is Notice {
  return "status" in x;
}
