// How every dashboard response leaves the Worker: a strict CSP (no scripts at all, the one
// stylesheet by its hash, forms posted only back here, no framing), no referrer, never cached.
// Also the session and sign-in cookies: HttpOnly, Secure, SameSite=Strict, Path=/dashboard.
import { escapeHtml } from "../connect/html";
import { DASHBOARD_STYLE } from "./layout";

let styleHash: Promise<string> | undefined;

function styleSource(): Promise<string> {
  styleHash ??= crypto.subtle
    .digest("SHA-256", new TextEncoder().encode(DASHBOARD_STYLE))
    .then((d) => `'sha256-${btoa(String.fromCharCode(...new Uint8Array(d)))}'`);
  return styleHash;
}

export async function dashboardCsp(): Promise<string> {
  return ["default-src 'none'", `style-src ${await styleSource()}`, "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join("; ");
}

async function securityHeaders(): Promise<Headers> {
  return new Headers({
    "content-security-policy": await dashboardCsp(),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
}

/** An HTML page; `cookies` are Set-Cookie values. */
export async function htmlResponse(status: number, html: string, cookies: readonly string[] = []): Promise<Response> {
  const headers = await securityHeaders();
  headers.set("content-type", "text/html; charset=utf-8");
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(html, { status, headers });
}

/** A 303 to a dashboard path (after a form post, or to the sign-in page). */
export async function redirectTo(location: string, cookies: readonly string[] = []): Promise<Response> {
  const headers = await securityHeaders();
  headers.set("location", location);
  headers.set("content-type", "text/html; charset=utf-8");
  for (const c of cookies) headers.append("set-cookie", c);
  const href = escapeHtml(location);
  return new Response(`<!doctype html><html lang="en"><title>See other</title><p><a href="${href}">Continue to ${href}</a></p></html>`, { status: 303, headers });
}

/** The session cookie's name; its value is the random session id (only its hash is stored). */
export const SESSION_COOKIE = "gh_dashboard_session";
/** The sign-in form's own token (login CSRF: a double-submitted random value), before any session. */
export const SIGN_IN_COOKIE = "gh_dashboard_sign_in";

/** A cookie for the dashboard only: HttpOnly, Secure, SameSite=Strict, Path=/dashboard, expiring at `expiresAtMs`. */
export function dashboardCookie(name: string, value: string, expiresAtMs: number, nowMs: number): string {
  const maxAge = Math.max(0, Math.floor((expiresAtMs - nowMs) / 1000));
  return `${name}=${value}; Path=/dashboard; Expires=${new Date(expiresAtMs).toUTCString()}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
}

/** The Set-Cookie that deletes a dashboard cookie. */
export function clearedCookie(name: string): string {
  return `${name}=; Path=/dashboard; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** One cookie's value from the request's Cookie header, or null. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
