// Bundles bench-worker.ts twice: as is (the billed path) and with runtime/gateway/billing.ts
// replaced by no-billing.ts wherever the gateway imports it (the baseline), so both run the
// same code except billing.
import { join } from "node:path";
import type { Plugin } from "esbuild";
import { bundleWorker, ROOT } from "../../test/support/local-worker";

export type Variant = "wallet" | "no-wallet";

function stubBilling(applied: { done: boolean }): Plugin {
  return {
    name: "stub-billing",
    setup(b) {
      b.onResolve({ filter: /^\.\/billing$/ }, (args) => {
        // The gateway's own modules (the proxy, complete()) bill through ./billing; the reads
        // elsewhere (usage, wallet, keys) import ../gateway/billing and stay real (nothing to flush).
        if (!args.importer.startsWith(join(ROOT, "runtime", "gateway") + "/")) return undefined;
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
    throw new Error("the baseline could not stub billing: no module in runtime/gateway/ imports ./billing any more; update bench/wallet/bundle.ts");
  }
  return script;
}
