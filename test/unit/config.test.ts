import { describe, expect, it } from "vitest";
import { readConfig } from "../../runtime/config";
import { ApiError } from "../../runtime/errors";

function refusal(env: Record<string, unknown>): ApiError {
  try {
    readConfig(env);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("the config was accepted");
}

describe("numeric vars are validated when read, never silently NaN", () => {
  it.each(["abc", "-1", "0", "1e3", "0x10", "12.5", "Infinity", "NaN", "99999999999999999999", "600001"])("UPSTREAM_TIMEOUT_MS=%j fails naming the var and what it must be", (value) => {
    const err = refusal({ ENVIRONMENT: "development", UPSTREAM_TIMEOUT_MS: value });
    expect(err.status).toBe(500);
    expect(err.message).toContain("UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000");
    expect(err.message).toContain(JSON.stringify(value));
  });

  it("reads good values and leaves unset ones to their reader's default", () => {
    expect(readConfig({ UPSTREAM_TIMEOUT_MS: " 60000 ", STREAM_MAX_EVENT_BYTES: "" }).numbers).toEqual({ UPSTREAM_TIMEOUT_MS: 60000 });
  });

  it("checks every numeric var it knows", () => {
    expect(refusal({ STREAM_IDLE_TIMEOUT_MS: "2m" }).message).toContain("STREAM_IDLE_TIMEOUT_MS must be");
  });
});

describe("ENVIRONMENT", () => {
  it("is development when unset, production when it says so", () => {
    expect(readConfig({}).production).toBe(false);
    expect(readConfig({ ENVIRONMENT: "production" }).production).toBe(true);
  });

  it.each(["prod", "Production", "staging"])("%j is refused rather than taken for development", (value) => {
    expect(refusal({ ENVIRONMENT: value }).message).toMatch(/ENVIRONMENT must be "development" or "production"/);
  });
});

describe("URL overrides", () => {
  const overrides = { UPSTREAM_OPENAI_URL: "http://127.0.0.1:9/openai/v1", AI_GATEWAY_URL: "http://127.0.0.1:9/aig" };

  it("are honoured outside production (tests reach local servers through them)", () => {
    expect(Object.fromEntries(readConfig({ ENVIRONMENT: "development", ...overrides }).urlOverrides)).toEqual(overrides);
  });

  it("are ignored in production, and named for the operator's log", () => {
    const config = readConfig({ ENVIRONMENT: "production", ...overrides });
    expect(config.urlOverrides.size).toBe(0);
    expect(config.ignored).toEqual(["AI_GATEWAY_URL", "UPSTREAM_OPENAI_URL"]);
  });

  it("include STRIPE_API_URL", () => {
    expect(readConfig({ STRIPE_API_URL: "http://127.0.0.1:9/stripe" }).urlOverrides.get("STRIPE_API_URL")).toBe("http://127.0.0.1:9/stripe");
    expect(refusal({ STRIPE_API_URL: "not a url" }).message).toContain("STRIPE_API_URL must be an absolute http(s):// URL");
    expect(readConfig({ ENVIRONMENT: "production", STRIPE_API_URL: "http://127.0.0.1:9/stripe" }).ignored).toEqual(["STRIPE_API_URL"]);
  });

  it("CONNECTOR_<ID>_URL counts in production only when the operator allows it, and only over https", () => {
    const github = { CONNECTOR_GITHUB_URL: "https://github.example.com/api/v3" };
    expect(readConfig({ ENVIRONMENT: "production", ...github }).ignored).toEqual(["CONNECTOR_GITHUB_URL"]);
    const allowed = readConfig({ ENVIRONMENT: "production", ALLOW_CONNECTOR_URL_OVERRIDES: "true", ...github, ...overrides });
    expect(Object.fromEntries(allowed.urlOverrides)).toEqual(github);
    expect(allowed.ignored).toEqual(["AI_GATEWAY_URL", "UPSTREAM_OPENAI_URL"]); // providers stay test-only
    expect(refusal({ ENVIRONMENT: "production", ALLOW_CONNECTOR_URL_OVERRIDES: "true", CONNECTOR_GITHUB_URL: "http://10.0.0.5/api" }).message).toContain("CONNECTOR_GITHUB_URL must be an https:// URL in production");
    expect(refusal({ ALLOW_CONNECTOR_URL_OVERRIDES: "yes" }).message).toContain('ALLOW_CONNECTOR_URL_OVERRIDES must be "true" or "false"');
  });

  it("STREAM_NATIVE_PIPE is on or off (default off); anything else fails naming it", () => {
    expect(readConfig({}).nativePipe).toBe(false);
    expect(readConfig({ STREAM_NATIVE_PIPE: "off" }).nativePipe).toBe(false);
    expect(readConfig({ STREAM_NATIVE_PIPE: "on" }).nativePipe).toBe(true);
    expect(refusal({ STREAM_NATIVE_PIPE: "true" }).message).toContain('STREAM_NATIVE_PIPE must be "on" or "off"');
  });

  it("must be absolute http(s) URLs, and a bad one is not echoed (it may carry credentials)", () => {
    const err = refusal({ UPSTREAM_OPENAI_URL: "ftp://user:secret@host" });
    expect(err.message).toContain("UPSTREAM_OPENAI_URL must be an absolute http(s):// URL");
    expect(err.message).not.toContain("secret");
  });
});

describe("the stream limits read through the config", () => {
  it("a bad STREAM_TOTAL_TIMEOUT_MS fails naming it instead of silently keeping the default", async () => {
    const { streamLimits } = await import("../../runtime/gateway/stream-limits");
    expect(() => streamLimits({ STREAM_TOTAL_TIMEOUT_MS: "9 minutes" } as unknown as Env)).toThrow(/STREAM_TOTAL_TIMEOUT_MS must be a whole number of milliseconds/);
    expect(streamLimits({ STREAM_TOTAL_TIMEOUT_MS: "1000" } as unknown as Env).totalMs).toBe(1000);
  });
});
