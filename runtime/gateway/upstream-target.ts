import type { ProviderEntry, WireFormat } from "../../generated/providers/catalog";
import { urlOverride } from "../config";

export const DEFAULT_AI_GATEWAY_URL = "https://gateway.ai.cloudflare.com/v1";

/** Who and what a request is for, reported to Cloudflare AI Gateway as metadata. */
export interface RequestMeta {
  tenant: string;
  key: string;
  model: string;
  surface: WireFormat;
}

export interface UpstreamTarget {
  url: string;
  headers: Headers;
  via: "direct" | "ai-gateway";
}

const PATHS: Record<WireFormat, string> = { openai: "/chat/completions", anthropic: "/messages", responses: "/responses" };

/**
 * The caller's headers that reach the upstream, per native shape: the opt-in to beta features
 * (Claude Code sends `anthropic-beta` on every request; the Assistants-era SDKs `openai-beta`).
 * Each only means something to the API that defines it, so a translated request drops it.
 */
const FORWARDED_HEADERS: Readonly<Record<WireFormat, readonly string[]>> = {
  anthropic: ["anthropic-beta"],
  openai: ["openai-beta"],
  responses: ["openai-beta"],
};

/** Reads a var or secret by computed name (UPSTREAM_<ID>_URL, <PROVIDER>_API_KEY). */
export function envString(env: Env, name: string): string | undefined {
  const v = (env as unknown as Record<string, unknown>)[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Where an HTTP provider's request goes and with which headers: through Cloudflare AI
 * Gateway when `AI_GATEWAY_ACCOUNT_ID` and `AI_GATEWAY_ID` are set, else direct. Outside
 * production the roots can be overridden (`AI_GATEWAY_URL`, `UPSTREAM_<ID>_URL`: how tests
 * reach local servers); production ignores them and calls the catalog's https URLs only.
 */
export function upstreamTarget(
  env: Env,
  provider: ProviderEntry,
  shape: WireFormat,
  meta: RequestMeta,
  perTokenUsd: { in: number; out: number },
  callerHeaders?: Headers,
): UpstreamTarget {
  const headers = new Headers({ "content-type": "application/json", accept: shape === "anthropic" ? "application/json" : "text/event-stream, application/json" });
  for (const name of FORWARDED_HEADERS[shape]) {
    const v = callerHeaders?.get(name);
    if (v) headers.set(name, v);
  }
  for (const [k, v] of Object.entries(provider.headers)) headers.set(k, v);
  if (provider.auth) {
    const secret = envString(env, provider.auth.secret);
    if (secret) headers.set(provider.auth.header, `${provider.auth.prefix}${secret}`);
  }
  const account = envString(env, "AI_GATEWAY_ACCOUNT_ID");
  const gateway = envString(env, "AI_GATEWAY_ID");
  if (account && gateway) {
    const root = (urlOverride(env, "AI_GATEWAY_URL") ?? DEFAULT_AI_GATEWAY_URL).replace(/\/+$/, "");
    headers.set("cf-aig-metadata", JSON.stringify(meta));
    headers.set("cf-aig-custom-cost", JSON.stringify({ per_token_in: perTokenUsd.in, per_token_out: perTokenUsd.out }));
    const token = envString(env, "AI_GATEWAY_TOKEN");
    if (token) headers.set("cf-aig-authorization", `Bearer ${token}`);
    return { url: `${root}/${account}/${gateway}/${provider.ai_gateway}${PATHS[shape]}`, headers, via: "ai-gateway" };
  }
  const base = (urlOverride(env, provider.url_override_var) ?? provider.base_url ?? "").replace(/\/+$/, "");
  return { url: `${base}${PATHS[shape]}`, headers, via: "direct" };
}

/** True when the provider can be called at all: a key is configured (or none is needed). */
export function hasCredentials(env: Env, provider: ProviderEntry): boolean {
  return !provider.auth || envString(env, provider.auth.secret) !== undefined;
}
