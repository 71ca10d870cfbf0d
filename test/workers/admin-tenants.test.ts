import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../runtime/index";
import { walletFor } from "../../runtime/wallet/stub";
import { seedTenant } from "./support/seed";

const ADMIN = "adm_workers_test_token";
const admin = (path: string, body: unknown, vars: Partial<Env> = {}) => {
  const req = new Request(`http://gatehouse.test${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }) as Request<unknown, IncomingRequestCfProperties>;
  if (Object.keys(vars).length === 0) return SELF.fetch(req);
  const ctx = createExecutionContext();
  return worker.fetch(req, { ...env, ...vars } as Env, ctx).finally(() => waitOnExecutionContext(ctx));
};
const tenantRows = async (id: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM tenants WHERE id = ?").bind(id).first<{ n: number }>())?.n;
const keyRows = async (id: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = ?").bind(id).first<{ n: number }>())?.n;
const balanceOf = async (id: string) => (await walletFor(env.WALLET, id).balance()).balance_micros;

/** The real Wallet namespace, except that the first `credit` call fails as a lost connection would. */
function walletsFailingFirstCredit(): Env["WALLET"] {
  let failed = false;
  const real = env.WALLET;
  return {
    idFromName: (name: string) => real.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = real.get(id);
      return new Proxy(stub, {
        get(target, prop) {
          if (prop === "credit" && !failed) {
            failed = true;
            return () => Promise.reject(new Error("Network connection lost."));
          }
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  } as unknown as Env["WALLET"];
}

describe("admin credit refs", () => {
  it("a reused credit ref with another amount is a 409 conflict, and the balance is unchanged", async () => {
    const t = await seedTenant();
    expect((await admin(`/v1/admin/tenants/${t.tenantId}/credit`, { amount_micros: 100, ref: "invoice-7" })).status).toBe(200);
    const reused = await admin(`/v1/admin/tenants/${t.tenantId}/credit`, { amount_micros: 5_000_000, ref: "invoice-7" });
    expect(reused.status).toBe(409);
    const body = await reused.json<{ error: { type: string; message: string; param: string } }>();
    expect(body.error).toMatchObject({ type: "conflict_error", param: "body.ref" });
    expect(body.error.message).toMatch(/invoice-7.*100/);
    expect(await balanceOf(t.tenantId)).toBe(100);
    // The same ref with the same amount is a retry: accepted, applied once.
    const retry = await admin(`/v1/admin/tenants/${t.tenantId}/credit`, { amount_micros: 100, ref: "invoice-7" });
    expect(await retry.json()).toEqual({ applied: false, balance_micros: 100 });
  });
});

describe("a tenant and its initial credit are created together", () => {
  it("an initial credit that fails leaves no tenant behind, and the retry creates it credited once", async () => {
    const id = `tn-atomic-${crypto.randomUUID().slice(0, 8)}`;
    const first = await admin("/v1/admin/tenants", { id, name: "Acme", initial_credit_micros: 7_000_000 }, { WALLET: walletsFailingFirstCredit() });
    expect(first.status).toBe(500);
    expect(await tenantRows(id)).toBe(0);
    expect(await keyRows(id)).toBe(0);
    const retry = await admin("/v1/admin/tenants", { id, name: "Acme", initial_credit_micros: 7_000_000 });
    expect(retry.status).toBe(201);
    expect(await tenantRows(id)).toBe(1);
    expect(await balanceOf(id)).toBe(7_000_000);
  });

  it("a tenant whose credit ref was already used for another amount is a 409, and no tenant is written", async () => {
    const id = `tn-clash-${crypto.randomUUID().slice(0, 8)}`;
    await walletFor(env.WALLET, id).credit(5, `tenant-create:${id}`);
    const res = await admin("/v1/admin/tenants", { id, name: "Acme", initial_credit_micros: 10 });
    expect(res.status).toBe(409);
    expect(await tenantRows(id)).toBe(0);
    expect(await balanceOf(id)).toBe(5);
  });

  it("creating an existing tenant again is a 409 that moves no money", async () => {
    const t = await seedTenant();
    const res = await admin("/v1/admin/tenants", { id: t.tenantId, name: "again", initial_credit_micros: 3_000_000 });
    expect(res.status).toBe(409);
    expect(await balanceOf(t.tenantId)).toBe(0);
  });
});
