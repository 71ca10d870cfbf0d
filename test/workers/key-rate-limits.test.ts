// The Workers Rate Limiting bindings from wrangler.toml, as Miniflare runs them: a flood of
// failed authentications from one address, and a flood of requests on one standard key,
// are answered 429 rate_limited with Retry-After, without touching other addresses or keys.
import { SELF, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newSecret } from "../../runtime/auth/key-material";
import { countKeyRequest } from "../../runtime/auth/rate-limits";
import { ApiError } from "../../runtime/errors";
import { mintKey } from "./support/money";
import { BASE, seedTenant } from "./support/seed";

/** More than any configured limit can allow in two windows (a window may turn mid-test). */
const BOUND = 5_000;

function get(path: string, key: string, ip: string): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { headers: { "x-api-key": key, "cf-connecting-ip": ip } });
}

/** Sends `next()` in batches until one answers 429; returns that response and how many were sent. */
async function floodUntil429(next: () => Promise<Response>): Promise<{ res: Response; sent: number } | null> {
  let sent = 0;
  while (sent < BOUND) {
    const batch = await Promise.all(Array.from({ length: 50 }, next));
    sent += batch.length;
    const limited = batch.find((r) => r.status === 429);
    await Promise.all(batch.filter((r) => r !== limited).map((r) => r.body?.cancel()));
    if (limited) return { res: limited, sent };
  }
  return null;
}

/**
 * Miniflare counts in fixed windows of the period (60 s, from the epoch): a flood that began
 * near the end of one would be checked in the next, so wait for a fresh window first.
 */
async function awayFromWindowEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 45_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
}

async function expectRateLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(await res.json()).toMatchObject({ error: { type: "rate_limit_error" } });
}

describe("a flood of failed authentications from one address", () => {
  it("is answered 429 with Retry-After, and then even a valid key from that address waits; other addresses are untouched", async () => {
    const t = await seedTenant();
    const flooder = "198.51.100.7";
    await awayFromWindowEdge();
    const hit = await floodUntil429(() => get("/v1/wallet", newSecret("test"), flooder));
    expect(hit, "no 429 after a flood of unknown keys").not.toBeNull();
    await expectRateLimited(hit!.res);
    // Refused before any lookup: the address is blocked, not the key.
    await expectRateLimited(await get("/v1/wallet", t.masterKey, flooder));
    expect((await get("/v1/wallet", t.masterKey, "198.51.100.8")).status).toBe(200);
    expect((await get("/v1/wallet", newSecret("test"), "198.51.100.9")).status).toBe(401);
  });
});

describe("a flood of requests on one standard key", () => {
  it("is answered 429 with Retry-After; another key of the same tenant is untouched", async () => {
    const t = await seedTenant();
    const k = await mintKey(t.masterKey, { end_user_id: "flooder" });
    const other = await mintKey(t.masterKey, { end_user_id: "neighbour" });
    expect((await get("/v1/connectors", k.secret, "203.0.113.1")).status).toBe(200);
    await awayFromWindowEdge();
    // The flood goes straight to the binding the Worker counts with (a thousand requests
    // through SELF.fetch take minutes in this harness): the same bucket, keyed by the key.
    const record = { id: k.id, tenant_id: t.tenantId, scope: "standard" as const, end_user_id: "flooder", max_spend_micros: null };
    let sent = 0;
    for (; sent < BOUND; sent++) {
      const refused = await countKeyRequest(env, record).then(() => false, (e: unknown) => e instanceof ApiError && e.kind === "rate_limited");
      if (refused) break;
    }
    expect(sent, "no 429 after a flood on one key").toBeLessThan(BOUND);
    expect(sent).toBeGreaterThan(100); // generous: normal use never meets it
    // Addresses vary, as they would behind a botnet: the key is what is counted.
    await expectRateLimited(await get("/v1/connectors", k.secret, "203.0.113.2"));
    expect((await get("/v1/connectors", other.secret, "203.0.113.3")).status).toBe(200);
  });

  it("a master key (the tenant's own servers) is not limited per key", async () => {
    const t = await seedTenant();
    const record = { id: t.masterKeyId, tenant_id: t.tenantId, scope: "master" as const, end_user_id: null, max_spend_micros: null };
    for (let i = 0; i < 2_000; i++) await countKeyRequest(env, record);
    expect((await get("/v1/wallet", t.masterKey, "203.0.113.4")).status).toBe(200);
  });
});
