// wrangler.toml as deployed (issue 20): Workers Logs on in both Workers, and the production
// environment repeats every binding the top level has (wrangler does not inherit them), the
// usage archive's R2 bucket included — a binding missing there would only fail once deployed.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

const ROOT = join(import.meta.dirname, "../../..");
const dev = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
const production = unstable_readConfig({ config: join(ROOT, "wrangler.toml"), env: "production" });

describe("wrangler.toml", () => {
  it("has [observability] enabled for development and production", () => {
    expect(dev.observability?.enabled).toBe(true);
    expect(production.observability?.enabled).toBe(true);
  });

  it("binds the usage archive bucket as ARCHIVE in both", () => {
    for (const c of [dev, production]) expect(c.r2_buckets).toEqual([expect.objectContaining({ binding: "ARCHIVE", bucket_name: "gatehouse-archive" })]);
  });

  it("production has every binding the top level has", () => {
    type Named = { binding?: string; name?: string };
    const of = (list: readonly Named[] | undefined) => (list ?? []).map((b) => b.binding ?? b.name ?? "?");
    const names = (c: typeof dev) => [
      ...of(c.d1_databases as Named[]),
      ...of(c.kv_namespaces as Named[]),
      ...of(c.r2_buckets as Named[]),
      ...of(c.durable_objects.bindings as Named[]),
      ...of(c.queues.producers as Named[] | undefined),
      ...of(c.ratelimits as Named[]),
    ];
    const missing = names(dev).filter((n) => !names(production).includes(n));
    expect(missing).toEqual([]);
    expect(production.triggers.crons).toEqual(dev.triggers.crons);
  });
});
