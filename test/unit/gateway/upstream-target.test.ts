import { describe, expect, it } from "vitest";
import { providers } from "../../../generated/providers/catalog";
import { upstreamTarget } from "../../../runtime/gateway/upstream-target";

// Overrides exist so tests can point real provider ids at local servers. In production a
// leftover (or planted) override would send every prompt and the operator's provider key
// to another host: production calls the catalog's https URLs only.
const openai = providers.openai!;
const meta = { tenant: "t", key: "k", model: "openai/gpt-4o", surface: "openai" as const };
const perToken = { in: 0, out: 0 };
const env = (vars: Record<string, string>) => ({ OPENAI_API_KEY: "sk-test-EXAMPLE", ...vars }) as unknown as Env;
const local = { UPSTREAM_OPENAI_URL: "http://127.0.0.1:9/openai/v1", AI_GATEWAY_URL: "http://127.0.0.1:9/aig" };

describe("upstreamTarget in production", () => {
  it("ignores UPSTREAM_<ID>_URL and calls the catalog's https URL", () => {
    const target = upstreamTarget(env({ ENVIRONMENT: "production", ...local }), openai, "openai", meta, perToken);
    expect(target.url).toBe(`${openai.base_url}/chat/completions`);
    expect(target.url.startsWith("https://")).toBe(true);
  });

  it("ignores AI_GATEWAY_URL and calls Cloudflare's AI Gateway", () => {
    const target = upstreamTarget(env({ ENVIRONMENT: "production", AI_GATEWAY_ACCOUNT_ID: "a", AI_GATEWAY_ID: "g", ...local }), openai, "openai", meta, perToken);
    expect(target.url).toBe("https://gateway.ai.cloudflare.com/v1/a/g/openai/chat/completions");
  });
});

describe("upstreamTarget in development", () => {
  it("follows the overrides", () => {
    expect(upstreamTarget(env({ ENVIRONMENT: "development", ...local }), openai, "openai", meta, perToken).url).toBe("http://127.0.0.1:9/openai/v1/chat/completions");
    expect(upstreamTarget(env({ ENVIRONMENT: "development", AI_GATEWAY_ACCOUNT_ID: "a", AI_GATEWAY_ID: "g", ...local }), openai, "openai", meta, perToken).url).toBe(
      "http://127.0.0.1:9/aig/a/g/openai/chat/completions",
    );
  });
});
