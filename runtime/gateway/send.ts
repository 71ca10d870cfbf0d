import type { WireFormat } from "../../generated/providers/catalog";
import type { RequestContext } from "../http/context";
import { TranslateError } from "../translate";
import { configOf, numberVar } from "../config";
import { mockFetch } from "./mock-provider";
import { workersAiFetch, type AiRunner } from "./workers-ai";
import type { Candidate } from "./resolve-model";
import type { UpstreamBody } from "./upstream-body";
import { envString, hasCredentials, upstreamTarget, type RequestMeta } from "./upstream-target";

export type Sent =
  | { kind: "ok"; response: Response; abort: () => void }
  /** `reason` is for the operator's logs: it may name secrets to set or carry raw network errors. */
  | { kind: "failed"; reason: string };

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Sends one request to a provider: the built-in mock in-process, Workers AI through its
 * binding, anyone else over HTTP. Nothing is sent for a client that is already gone. The
 * call is aborted when no response headers arrive within UPSTREAM_TIMEOUT_MS, and by the
 * caller through `abort` — not by the client's hang-up: once sent, the provider works and
 * bills, so Gatehouse reads its answer for the usage (README "Work that goes unbilled").
 */
export async function sendUpstream(ctx: RequestContext, c: Candidate, shape: WireFormat, body: UpstreamBody, meta: RequestMeta): Promise<Sent> {
  if (ctx.req.signal?.aborted) return { kind: "failed", reason: "client disconnected" };
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timeoutMs = numberVar(ctx.env, "UPSTREAM_TIMEOUT_MS", DEFAULT_TIMEOUT_MS);
  const timer = setTimeout(() => controller.abort(new Error("timeout")), timeoutMs);
  try {
    switch (c.provider.transport) {
      case "builtin":
        return { kind: "ok", response: await mockFetch(shape, c.model, body.json, controller.signal, { faults: !configOf(ctx.env).production }), abort };
      case "binding": {
        // The AI binding has no local simulator: it exists only when deployed (env.production).
        if (!ctx.env.AI) return { kind: "failed", reason: `${c.provider.id} needs the AI binding, which only exists when deployed` };
        const gatewayId = envString(ctx.env, "AI_GATEWAY_ID");
        return { kind: "ok", response: await workersAiFetch(ctx.env.AI as unknown as AiRunner, c.model, body.json, controller.signal, gatewayId), abort };
      }
      case "http": {
        if (!hasCredentials(ctx.env, c.provider)) {
          return { kind: "failed", reason: `no key configured (set the ${c.provider.auth?.secret} secret)` };
        }
        const perToken = { in: c.price.input_micros_per_mtok / 1e12, out: c.price.output_micros_per_mtok / 1e12 };
        const target = upstreamTarget(ctx.env, c.provider, shape, meta, perToken, ctx.req.headers);
        // Same-shape pass-through: the caller's bytes (upstream-body.ts), never re-serialized.
        const payload = body.bytes ?? JSON.stringify(body.json);
        const response = await fetch(target.url, { method: "POST", headers: target.headers, body: payload, signal: controller.signal });
        return { kind: "ok", response, abort };
      }
      default: {
        const never: never = c.provider.transport;
        return { kind: "failed", reason: `unknown transport ${String(never)}` };
      }
    }
  } catch (e) {
    // The mock translates in-process: a request it cannot express is the caller's 400, not a failed connection.
    if (e instanceof TranslateError) throw e;
    const reason = controller.signal.aborted ? `no response within ${timeoutMs} ms` : `connection failed (${(e as Error).message})`;
    return { kind: "failed", reason };
  } finally {
    clearTimeout(timer);
  }
}
