// Worker entry for bench/gateway-profile.ts only: the real Gatehouse Worker, with the request
// header `x-bench-variant` switching parts of its I/O off by wrapping `env` — no runtime code
// is changed, so the difference between variants is what that I/O costs on the request path.
//
//   full             the Worker as deployed
//   no-usage         leaseSettle() without the usage rows: ledger charges only, nothing copied to D1
//   no-settle        the Wallet's leaseSettle() answered locally: no ledger, usage or D1 writes
//   no-wallet        leaseGrow() answered locally too (a large grant): no Wallet call at all
//   no-billing-no-kv no-wallet, and the key lookup answered from memory after the first time
//   no-db            no-billing-no-kv, and D1 batches (the request log row) answered locally
//   no-log           no-db, and console.log (the request's log line) silenced
//
// GET /__bench/clock reports how performance.now() moves in workerd around CPU work and I/O.
import worker, { Wallet } from "../../runtime/index";

export { Wallet };

type Variant = "full" | "no-usage" | "no-settle" | "no-wallet" | "no-billing-no-kv" | "no-db" | "no-log";

const keyCache = new Map<string, unknown>();
const realLog = console.log;

/** A Wallet whose lease calls (the gateway's only billing calls) are answered without the object. */
function wrapWallet(ns: Env["WALLET"], skip: "usage" | "settle" | "grow"): Env["WALLET"] {
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) => {
          const stub = target.get(id);
          return new Proxy(stub, {
            get(s, p) {
              if (p === "leaseSettle" && skip === "usage") {
                // Called as is: on an RPC stub, `.call` would itself be a remote property.
                const real = Reflect.get(s, p) as (...args: unknown[]) => Promise<unknown>;
                return (lease: string, seq: number, draws: { usage?: unknown }[], inflight: number, close: boolean) =>
                  real(lease, seq, draws.map(({ usage: _usage, ...d }) => d), inflight, close);
              }
              if (p === "leaseSettle") {
                return async (_lease: string, _seq: number, draws: { actual_micros: number }[], _inflight: number, close: boolean) => ({
                  ok: true, applied: true, charged_micros: draws.map((d) => d.actual_micros), closed: close,
                });
              }
              if (p === "leaseGrow" && skip === "grow") {
                return async (_lease: string, _key: string, _worst: number, room: number, want: number) => ({
                  ok: true, granted_micros: want, held_micros: room + want, deadline_at: Date.now() + 600_000,
                });
              }
              return Reflect.get(s, p) as unknown;
            },
          });
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function wrapKv(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "get") {
        return async (key: string, type?: "json") => {
          if (keyCache.has(key)) return keyCache.get(key);
          const v = (await target.get(key, type as "json")) as unknown;
          if (v !== null) keyCache.set(key, v);
          return v;
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function wrapDb(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "batch") return async (statements: unknown[]) => statements.map(() => ({ success: true, results: [], meta: {} }));
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function variantEnv(env: Env, variant: Variant): Env {
  switch (variant) {
    case "full":
      return env;
    case "no-usage":
      return { ...env, WALLET: wrapWallet(env.WALLET, "usage") };
    case "no-settle":
      return { ...env, WALLET: wrapWallet(env.WALLET, "settle") };
    case "no-wallet":
      return { ...env, WALLET: wrapWallet(env.WALLET, "grow") };
    case "no-billing-no-kv":
      return { ...env, WALLET: wrapWallet(env.WALLET, "grow"), KEY_CACHE: wrapKv(env.KEY_CACHE) };
    case "no-db":
    case "no-log":
      return { ...env, WALLET: wrapWallet(env.WALLET, "grow"), KEY_CACHE: wrapKv(env.KEY_CACHE), DB: wrapDb(env.DB) };
    default: {
      const never: never = variant;
      throw new Error(`unknown variant ${String(never)}`);
    }
  }
}

async function clock(env: Env): Promise<Response> {
  const a = performance.now();
  let x = 0;
  const spinStart = Date.now();
  for (let i = 0; i < 20_000_000; i++) x += i % 7;
  const b = performance.now();
  await env.KEY_CACHE.get("clock-probe");
  const c = performance.now();
  return Response.json({ cpuLoopMs: b - a, afterOneIoMs: c - a, dateDuringLoop: Date.now() - spinStart, sample: [a, b, c], x });
}

export default {
  fetch(req, env, ctx) {
    if (new URL(req.url).pathname === "/__bench/clock") return clock(env);
    const variant = (req.headers.get("x-bench-variant") ?? "full") as Variant;
    // Variants run one at a time, so switching the global per request is safe here.
    console.log = variant === "no-log" ? () => {} : realLog;
    return worker.fetch(req, variantEnv(env, variant), ctx);
  },
} satisfies ExportedHandler<Env>;
