// Bundles bench-worker.ts twice: as is (the Wallet path) and with runtime/gateway/billing.ts
// replaced by no-billing.ts (the baseline), so both run the same code except the Wallet.
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { ROOT } from "../../test/support/local-worker";

export type Variant = "wallet" | "no-wallet";

function stubBilling(applied: { done: boolean }): Plugin {
  return {
    name: "stub-billing",
    setup(b) {
      b.onResolve({ filter: /^\.\/billing$/ }, (args) => {
        if (!args.importer.endsWith(join("runtime", "gateway", "proxy.ts"))) return undefined;
        applied.done = true;
        return { path: join(ROOT, "bench/wallet/no-billing.ts") };
      });
    },
  };
}

export async function bundle(variant: Variant): Promise<string> {
  const applied = { done: false };
  const out = await build({
    entryPoints: [join(ROOT, "bench/wallet/bench-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    write: false,
    logLevel: "silent",
    plugins: variant === "no-wallet" ? [stubBilling(applied)] : [],
  });
  if (variant === "no-wallet" && !applied.done) {
    throw new Error("the baseline could not stub billing: runtime/gateway/proxy.ts no longer imports ./billing; update bench/wallet/bundle.ts");
  }
  return out.outputFiles[0]?.text ?? "";
}
