// Bundles bench-worker.ts twice: as is (the Wallet path) and with runtime/gateway/billing.ts
// replaced by no-billing.ts (the baseline), so both run the same code except the Wallet.
import { join } from "node:path";
import type { Plugin } from "esbuild";
import { bundleWorker, ROOT } from "../../test/support/local-worker";

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
  if (variant === "wallet") return bundleWorker("bench/wallet/bench-worker.ts");
  const applied = { done: false };
  const script = await bundleWorker("bench/wallet/bench-worker.ts", [stubBilling(applied)]);
  if (!applied.done) {
    throw new Error("the baseline could not stub billing: runtime/gateway/proxy.ts no longer imports ./billing; update bench/wallet/bundle.ts");
  }
  return script;
}
