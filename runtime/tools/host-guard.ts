// The executor only ever talks to the manifest's host: a built URL or a redirect that points
// anywhere else is refused before a byte is sent (so a crafted input or a hostile vendor
// redirect cannot carry a credential to another server).

/** True when `url` has the same scheme, host and port as the connector's base URL. */
export function onAllowedHost(url: URL, baseUrl: string): boolean {
  return url.origin === new URL(baseUrl).origin;
}

/** The redirect target, resolved against the current URL, or null when there is none. */
export function redirectTarget(res: Response, current: URL): URL | null {
  if (![301, 302, 303, 307, 308].includes(res.status)) return null;
  const location = res.headers.get("location");
  if (!location) return null;
  try {
    return new URL(location, current);
  } catch {
    return null;
  }
}

/** Fetch's own rule: 303 (and 301/302 after a POST) turn into a GET without a body. */
export function methodAfterRedirect(status: number, method: string): { method: string; keepBody: boolean } {
  if (status === 303 && method !== "HEAD") return { method: "GET", keepBody: false };
  if ((status === 301 || status === 302) && method === "POST") return { method: "GET", keepBody: false };
  return { method, keepBody: true };
}
