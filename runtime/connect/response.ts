// How every connect page leaves the Worker: a strict Content-Security-Policy (no scripts at
// all, the one stylesheet allowed by its hash, forms posted only back here — or to the app's
// redirect origin, which a 303 after the post must reach), no framing, no referrer (the URL
// holds the token), never cached.
import { PAGE_STYLE } from "./html";

let styleHash: Promise<string> | undefined;

/** `'sha256-…'` of PAGE_STYLE, computed once per isolate. */
function styleSource(): Promise<string> {
  styleHash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(PAGE_STYLE)).then((d) => `'sha256-${btoa(String.fromCharCode(...new Uint8Array(d)))}'`);
  return styleHash;
}

/** The CSP for a page; `redirectOrigin` is added to form-action when a success redirects there. */
export async function contentSecurityPolicy(redirectOrigin?: string): Promise<string> {
  const formAction = redirectOrigin ? `'self' ${redirectOrigin}` : "'self'";
  return [
    "default-src 'none'",
    `style-src ${await styleSource()}`,
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The headers every connect response carries (pages and redirects alike). */
async function securityHeaders(redirectOrigin?: string): Promise<Headers> {
  return new Headers({
    "content-security-policy": await contentSecurityPolicy(redirectOrigin),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
}

export async function htmlPage(status: number, html: string, redirectOrigin?: string): Promise<Response> {
  const headers = await securityHeaders(redirectOrigin);
  headers.set("content-type", "text/html; charset=utf-8");
  return new Response(html, { status, headers });
}

export async function seeOther(location: string): Promise<Response> {
  const headers = await securityHeaders();
  headers.set("location", location);
  return new Response(null, { status: 303, headers });
}

/** The origin of a redirect URL (stored at mint time, already checked), or undefined when it has none or is unparsable. */
export function originOf(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
