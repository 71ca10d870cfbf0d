// The connect page's `redirect_url`: where the end user's browser is sent with a fresh
// connection id, so it must be the app's own page — an absolute https URL (http only for
// localhost) on one of the tenant's allowed origins (PUT /v1/cors). Anything else would make
// Gatehouse an open redirector.
import { listTenantOrigins } from "../db/tenant-origins";
import { badRequest } from "../errors";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The URL as given, when allowed; else a 400 naming `param` and what to fix. */
export async function checkRedirectUrl(db: D1Database, tenantId: string, value: string, param = "body.redirect_url"): Promise<string> {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url) throw badRequest("redirect_url must be an absolute URL, e.g. https://app.example.com/settings", param);
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw badRequest("redirect_url must use https (http only for localhost)", param);
  }
  if (url.username !== "" || url.password !== "") throw badRequest("redirect_url must not hold a user name or password", param);
  const origins = await listTenantOrigins(db, tenantId);
  if (!origins.includes(url.origin)) {
    throw badRequest(`redirect_url's origin ${url.origin} is not one of the tenant's allowed origins; add it with PUT /v1/cors (a master key) or use a page on an allowed origin`, param);
  }
  return url.href;
}
