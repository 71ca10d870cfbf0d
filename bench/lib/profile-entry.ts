// Worker entry for bench/gateway-profile.ts only: the real Gatehouse Worker, with the request
// header `x-bench-variant` switching parts of its I/O off by wrapping `env` — no runtime code
// is changed, so the difference between variants is what that I/O costs on the request path.
//
//   full             the Worker as deployed
//   no-usage-insert  settle's D1 INSERT into usage_events skipped
//   no-settle        the Wallet settle() RPC answered locally (the D1 INSERT still runs)
//   no-wallet        reserve() and settle() answered locally, no D1 INSERT: no billing I/O
//   no-billing-no-kv no-wallet, and the key lookup answered from memory after the first time
//
// GET /__bench/clock reports how performance.now() moves in workerd around CPU work and I/O.
import worker, { Wallet } from "../../runtime/index";

export { Wallet };

type Variant = "full" | "no-usage-insert" | "no-settle" | "no-wallet" | "no-billing-no-kv";

const keyCache = new Map<string, unknown>();

function wrapDb(db: D1Database): D1Database {
  const skipped = { bind: () => skipped, run: async () => ({ success: true, meta: {}, results: [] }) };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => (sql.includes("INSERT OR IGNORE INTO usage_events") ? skipped : target.prepare(sql));
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function wrapWallet(ns: Env["WALLET"], skipReserve: boolean): Env["WALLET"] {
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) => {
          const stub = target.get(id);
          return new Proxy(stub, {
            get(s, p) {
              if (p === "settle") {
                return async (_requestId: string, actual: number) => ({ ok: true, applied: true, settlement: { charged_micros: actual } });
              }
              if (p === "reserve" && skipReserve) return async () => ({ ok: true, applied: true });
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

function variantEnv(env: Env, variant: Variant): Env {
  switch (variant) {
    case "full":
      return env;
    case "no-usage-insert":
      return { ...env, DB: wrapDb(env.DB) };
    case "no-settle":
      return { ...env, WALLET: wrapWallet(env.WALLET, false) };
    case "no-wallet":
      return { ...env, WALLET: wrapWallet(env.WALLET, true), DB: wrapDb(env.DB) };
    case "no-billing-no-kv":
      return { ...env, WALLET: wrapWallet(env.WALLET, true), DB: wrapDb(env.DB), KEY_CACHE: wrapKv(env.KEY_CACHE) };
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
    return worker.fetch(req, variantEnv(env, variant), ctx);
  },
} satisfies ExportedHandler<Env>;
