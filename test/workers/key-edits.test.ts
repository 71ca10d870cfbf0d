// Key edits have one authority, the tenant's Wallet: it enforces the cap and the revocation
// and is written first; D1 keeps a copy for listing and authentication. These tests make
// the D1 copy fail between the two writes (a SQLite trigger on api_keys refuses the update)
// and check that no split state lasts: the key behaves as the Wallet says, the edit can be
// retried, and the next edit or the next D1 read of the key writes the copy right.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { walletFor } from "../../runtime/wallet/stub";
import { mintKey } from "./support/money";
import { call, seedTenant } from "./support/seed";

const TRIGGER = "fail_key_copy";

/** From now on D1 refuses every update of this key's row, as a failed write would. */
async function breakKeyCopy(keyId: string): Promise<void> {
  await env.DB.exec(`CREATE TRIGGER ${TRIGGER} BEFORE UPDATE ON api_keys WHEN OLD.id = '${keyId}' BEGIN SELECT RAISE(ABORT, 'injected D1 failure'); END;`);
}
afterEach(async () => void (await env.DB.exec(`DROP TRIGGER IF EXISTS ${TRIGGER}`)));

async function listed(masterKey: string, id: string): Promise<{ id: string; name: string; max_spend_usd: number | null } | undefined> {
  const res = await call("GET", "/v1/keys", masterKey);
  const body = await res.json<{ data: { id: string; name: string; max_spend_usd: number | null }[] }>();
  return body.data.find((k) => k.id === id);
}

/** Waits for work the Worker handed to waitUntil (the D1 copy rewritten after a read). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("condition not met within 1 s");
}

describe("a revoke that fails between the Wallet and D1", () => {
  it("leaves the key refused on every route, says to retry, and the retry completes the list", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const k = await mintKey(t.masterKey, { end_user_id: "eve" });
    expect((await call("GET", `/v1/keys/${k.id}/usage`, k.secret)).status).toBe(200); // fills the caches

    await breakKeyCopy(k.id);
    const failed = await call("DELETE", `/v1/keys/${k.id}`, t.masterKey);
    expect(failed.status).toBe(503);
    expect(await failed.text()).toMatch(/retry/);
    expect((await walletFor(env.WALLET, t.tenantId).keyState(k.id)).revoked).toBe(true);
    // Not a billable route: only the Wallet's word keeps this key out.
    expect((await call("GET", `/v1/keys/${k.id}/usage`, k.secret)).status).toBe(401);

    await env.DB.exec(`DROP TRIGGER ${TRIGGER}`);
    expect(await listed(t.masterKey, k.id)).toBeDefined(); // the copy still lags
    const retry = await call("DELETE", `/v1/keys/${k.id}`, t.masterKey);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ id: k.id, revoked: true });
    expect(await listed(t.masterKey, k.id)).toBeUndefined();
  });

  it("a key revoked in the Wallet but still active in D1 is refused where no cache knew of the revoke, and D1 is corrected", async () => {
    const t = await seedTenant({ creditMicros: 1_000_000 });
    const k = await mintKey(t.masterKey, { end_user_id: "mallory" });
    // The state a failed revoke leaves when the isolate that made it is gone.
    await walletFor(env.WALLET, t.tenantId).revokeKey(k.id);
    expect((await call("GET", `/v1/keys/${k.id}/usage`, k.secret)).status).toBe(401);
    await eventually(async () => (await listed(t.masterKey, k.id)) === undefined);
  });

  it("a retried revoke whose first answer was lost answers 200 again", async () => {
    const t = await seedTenant();
    const k = await mintKey(t.masterKey, {});
    expect((await call("DELETE", `/v1/keys/${k.id}`, t.masterKey)).status).toBe(200);
    const again = await call("DELETE", `/v1/keys/${k.id}`, t.masterKey);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: k.id, revoked: true });
  });
});

describe("a cap change that fails between the Wallet and D1", () => {
  it("the cap in force is the Wallet's, and the next edit of the key writes it to the list", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { max_spend_usd: 2 });

    await breakKeyCopy(k.id);
    const failed = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 1 });
    expect(failed.status).toBe(503);
    expect(await failed.text()).toMatch(/retry/);
    const usage = await call("GET", `/v1/keys/${k.id}/usage`, t.masterKey);
    expect(await usage.json()).toMatchObject({ cap_micros: 1_000_000 });

    await env.DB.exec(`DROP TRIGGER ${TRIGGER}`);
    // An edit of another field must not write D1's stale $2 back, nor show it.
    const renamed = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { name: "renamed" });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "renamed", max_spend_usd: 1 });
    expect(await listed(t.masterKey, k.id)).toMatchObject({ name: "renamed", max_spend_usd: 1 });
    expect((await walletFor(env.WALLET, t.tenantId).keyState(k.id)).cap_micros).toBe(1_000_000);
  });

  it("the retried edit answers like a first one", async () => {
    const t = await seedTenant({ creditMicros: 5_000_000 });
    const k = await mintKey(t.masterKey, { max_spend_usd: 2 });
    await breakKeyCopy(k.id);
    expect((await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 1 })).status).toBe(503);
    await env.DB.exec(`DROP TRIGGER ${TRIGGER}`);
    const retry = await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 1 });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ max_spend_usd: 1 });
    expect(await listed(t.masterKey, k.id)).toMatchObject({ max_spend_usd: 1 });
  });

  it("a key revoked in the Wallet cannot be edited, and the list stops showing it", async () => {
    const t = await seedTenant();
    const k = await mintKey(t.masterKey, { max_spend_usd: 2 });
    await walletFor(env.WALLET, t.tenantId).revokeKey(k.id);
    expect((await call("PATCH", `/v1/keys/${k.id}`, t.masterKey, { max_spend_usd: 5 })).status).toBe(404);
    expect(await listed(t.masterKey, k.id)).toBeUndefined();
  });
});
