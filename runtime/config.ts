// The Worker's configuration (wrangler.toml [vars]), read and checked once per env object.
// A bad value fails every request loudly with one error that names the var and what it
// must be: read with Number() a typo became NaN (a timer that fires at once), and a
// development-only knob left on in production let anyone inject faults or reroute calls.
import { providers } from "../generated/providers/catalog";
import { ApiError } from "./errors";
import { parseUnlistedRoutes, type UnlistedRoute } from "./gateway/model-ids";

/** `development` (local dev and tests, the default when unset) or `production` (`wrangler deploy --env production`). */
export type Environment = "development" | "production";

/** Whole-number vars and their bounds; each is optional, and its reader supplies the default. */
export const NUMERIC_VARS = {
  UPSTREAM_TIMEOUT_MS: { min: 1, max: 600_000, unit: "milliseconds" },
  STREAM_IDLE_TIMEOUT_MS: { min: 1, max: 3_600_000, unit: "milliseconds" },
  STREAM_TOTAL_TIMEOUT_MS: { min: 1, max: 3_600_000, unit: "milliseconds" },
  STREAM_MAX_EVENT_BYTES: { min: 1, max: 128 * 1024 * 1024, unit: "bytes" },
  UPSTREAM_MAX_BODY_BYTES: { min: 1, max: 128 * 1024 * 1024, unit: "bytes" },
  // A request body on the gateway surfaces; held in memory whole (pass-through sends its bytes).
  GATEWAY_MAX_BODY_BYTES: { min: 1024, max: 100 * 1024 * 1024, unit: "bytes" },
  // One tool call in a thread turn (connector, MCP or webhook), before it becomes an is_error result.
  TOOL_TIMEOUT_MS: { min: 100, max: 600_000, unit: "milliseconds" },
} as const satisfies Record<string, { min: number; max: number; unit: string }>;
export type NumericVar = keyof typeof NUMERIC_VARS;

/** Vars that point outbound calls elsewhere (tests point them at local servers); CONNECTOR_<ID>_URL moves a connector's base URL. */
const URL_OVERRIDE = /^(UPSTREAM_[A-Z0-9_]+_URL|CONNECTOR_[A-Z0-9_]+_URL|AI_GATEWAY_URL|STRIPE_API_URL)$/;
const CONNECTOR_OVERRIDE = /^CONNECTOR_[A-Z0-9_]+_URL$/;

export interface Config {
  environment: Environment;
  /** In production the mock injects no faults or delays, and URL overrides are ignored (but CONNECTOR_<ID>_URL with ALLOW_CONNECTOR_URL_OVERRIDES=true). */
  production: boolean;
  /** The numeric vars that are set, validated. */
  numbers: Readonly<Partial<Record<NumericVar, number>>>;
  /** URL overrides that are set (UPSTREAM_<ID>_URL, CONNECTOR_<ID>_URL, AI_GATEWAY_URL, STRIPE_API_URL); in production only allowed connector ones. */
  urlOverrides: ReadonlyMap<string, string>;
  /** Overrides that were set but ignored because this is production (for the operator's log). */
  ignored: readonly string[];
  /** UNLISTED_MODEL_ROUTES: where a bare model id the catalog lists nowhere goes (empty: a 404). */
  unlistedRoutes: readonly UnlistedRoute[];
  /** STREAM_NATIVE_PIPE=on: unchanged pass-through streams are piped natively (runtime/gateway/native-pipe.ts); default off. */
  nativePipe: boolean;
}

/** Checks the vars of one env; throws an internal ApiError naming the first bad var. */
export function readConfig(env: Readonly<Record<string, unknown>>): Config {
  const environment = readEnvironment(env.ENVIRONMENT);
  const production = environment === "production";
  const numbers: Partial<Record<NumericVar, number>> = {};
  for (const name of Object.keys(NUMERIC_VARS) as NumericVar[]) {
    const value = setString(env, name);
    if (value !== undefined) numbers[name] = readWholeNumber(name, value);
  }
  const urlOverrides = new Map<string, string>();
  const ignored: string[] = [];
  const connectorOverridesAllowed = readFlag(env, "ALLOW_CONNECTOR_URL_OVERRIDES");
  for (const name of Object.keys(env).sort()) {
    if (!URL_OVERRIDE.test(name)) continue;
    const value = setString(env, name);
    if (value === undefined) continue;
    if (!production) urlOverrides.set(name, readUrl(name, value));
    // An operator may point a connector at its self-hosted edition (GitHub Enterprise, a regional
    // API) in production, over https only; provider and Stripe overrides stay test-only.
    else if (connectorOverridesAllowed && CONNECTOR_OVERRIDE.test(name)) urlOverrides.set(name, readHttpsUrl(name, value));
    else ignored.push(name);
  }
  return { environment, production, numbers, urlOverrides, ignored, unlistedRoutes: readUnlistedRoutes(env), nativePipe: readOnOff(env, "STREAM_NATIVE_PIPE") };
}

function readUnlistedRoutes(env: Readonly<Record<string, unknown>>): UnlistedRoute[] {
  const value = setString(env, "UNLISTED_MODEL_ROUTES");
  if (value === undefined) return [];
  const routes = parseUnlistedRoutes(value, new Set(Object.keys(providers)));
  if (typeof routes === "string") throw misconfigured("UNLISTED_MODEL_ROUTES", routes, JSON.stringify(value.slice(0, 80)));
  return routes;
}

const cache = new WeakMap<object, Config>();

/** readConfig, once per env object (an isolate's env is the same object on every request). */
export function configOf(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = readConfig(env as unknown as Record<string, unknown>);
    if (config.ignored.length > 0) console.warn(`production ignores the URL overrides ${config.ignored.join(", ")}: upstream calls go to the catalog's https URLs`);
    cache.set(env, config);
  }
  return config;
}

/** A numeric var as configured, or the reader's default when it is not set. */
export function numberVar(env: Env, name: NumericVar, fallback: number): number {
  return configOf(env).numbers[name] ?? fallback;
}

/** The URL an override var points at, outside production; undefined when unset (or in production). */
export function urlOverride(env: Env, name: string): string | undefined {
  return configOf(env).urlOverrides.get(name);
}

function misconfigured(name: string, must: string, got: string): ApiError {
  return new ApiError("internal", `Gatehouse is misconfigured: ${name} must be ${must}, got ${got}; fix it in wrangler.toml [vars] (or the Worker's settings) and redeploy`);
}

function setString(env: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = env[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function readEnvironment(value: unknown): Environment {
  if (value === undefined || value === "" || value === "development") return "development";
  if (value === "production") return "production";
  throw misconfigured("ENVIRONMENT", `"development" or "production"`, JSON.stringify(String(value).slice(0, 40)));
}

function readWholeNumber(name: NumericVar, value: string): number {
  const { min, max, unit } = NUMERIC_VARS[name];
  // Digits only: Number() would also take "1e3", "0x10", " " and "Infinity".
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw misconfigured(name, `a whole number of ${unit} from ${min} to ${max}`, JSON.stringify(value.slice(0, 40)));
  }
  return n;
}

/** An on/off var: "true" or "false" (unset: false); anything else is refused, naming it. */
function readFlag(env: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = setString(env, name);
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw misconfigured(name, `"true" or "false"`, JSON.stringify(value.slice(0, 40)));
}

function readOnOff(env: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = setString(env, name);
  if (value === undefined || value === "off") return false;
  if (value === "on") return true;
  throw misconfigured(name, `"on" or "off"`, JSON.stringify(value.slice(0, 40)));
}

/** readUrl, and https only (a production override). */
function readHttpsUrl(name: string, value: string): string {
  const url = readUrl(name, value);
  if (!url.startsWith("https://")) throw misconfigured(name, "an https:// URL in production (ALLOW_CONNECTOR_URL_OVERRIDES is set)", "another scheme");
  return url;
}

function readUrl(name: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // The value is not echoed: an override may carry credentials in its userinfo.
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) throw misconfigured(name, "an absolute http(s):// URL", "something else");
  return value;
}
