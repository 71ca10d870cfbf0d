// Where the hosted connect page is reached: PUBLIC_URL when the operator sets it (the Worker
// behind a custom domain or proxy), else the origin the API request came to.
import { ApiError } from "../errors";

/** The base URL connect URLs start with, without a trailing slash. */
export function publicBaseUrl(env: Env, requestOrigin: string): string {
  const value = (env as unknown as Record<string, unknown>)["PUBLIC_URL"];
  if (typeof value !== "string" || value.trim() === "") return requestOrigin.replace(/\/+$/, "");
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ApiError(
      "internal",
      "Gatehouse is misconfigured: PUBLIC_URL must be the Worker's absolute http(s) URL without query, fragment or credentials (e.g. https://api.example.com); fix it in wrangler.toml [vars] and redeploy",
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
