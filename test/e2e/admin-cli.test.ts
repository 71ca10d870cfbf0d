import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCli, type CliRun } from "../support/admin-cli";
import { ADMIN_TOKEN, startLocalWorker, type LocalWorker } from "../support/local-worker";

// `npm run admin -- …` against a real local Worker: the operator's way to create tenants
// and credit wallets without curl.
let worker: LocalWorker;

function admin(args: string[], env: Record<string, string> = {}, viaNpm = false): Promise<CliRun> {
  return runAdminCli(args, { url: worker.url, adminToken: ADMIN_TOKEN, env, viaNpm });
}

const walletOf = async (key: string) => ((await (await fetch(`${worker.url}/v1/wallet`, { headers: { "x-api-key": key } })).json()) as { balance_micros: number }).balance_micros;

beforeAll(async () => {
  worker = await startLocalWorker();
}, 60_000);
afterAll(() => worker?.dispose());

describe("npm run admin", () => {
  it("create-tenant prints a working master key and credits the initial amount exactly", async () => {
    const r = await admin(["create-tenant", "--name", "Acme Inc", "--id", "acme-cli", "--credit-usd", "12.345678"], {}, true);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain('Created tenant acme-cli ("Acme Inc") with $12.345678 of credit.');
    const key = /Master key[^:]*: (qlk_test_\w+)/.exec(r.stdout)?.[1] ?? "";
    expect(await walletOf(key)).toBe(12_345_678);
  });

  it("credit adds money once per ref, and says so when a ref repeats", async () => {
    const created = JSON.parse((await admin(["create-tenant", "--name", "Bolt", "--json"])).stdout) as { id: string; master_key: { secret: string } };
    const first = await admin(["credit", "--tenant", created.id, "--usd", "2.50", "--ref", "invoice-1", "--note", "Invoice 1"]);
    expect(first).toMatchObject({ code: 0, stdout: `Credited $2.50 to ${created.id} (ref invoice-1). Balance: $2.50.\n` });
    const again = await admin(["credit", "--tenant", created.id, "--usd", "2.50", "--ref", "invoice-1"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Ref invoice-1 was already credited");
    expect(await walletOf(created.master_key.secret)).toBe(2_500_000);
  });

  it.each([
    ["a wrong admin token", ["credit", "--tenant", "acme-cli", "--usd", "1", "--ref", "x"], { ADMIN_TOKEN: "adm_wrong" }, 1, "401 authentication_error"],
    ["an unknown tenant", ["credit", "--tenant", "nobody", "--usd", "1", "--ref", "x"], {}, 1, "404 not_found_error: no tenant nobody"],
    ["a taken tenant id", ["create-tenant", "--name", "Again", "--id", "acme-cli"], {}, 1, "409 conflict_error"],
    ["no server", ["credit", "--tenant", "a", "--usd", "1", "--ref", "x"], { GATEHOUSE_URL: "http://127.0.0.1:1" }, 1, "cannot reach Gatehouse"],
    ["a missing --ref", ["credit", "--tenant", "acme-cli", "--usd", "1"], {}, 2, "credit needs --ref"],
    ["a bad amount", ["credit", "--tenant", "acme-cli", "--usd", "ten", "--ref", "x"], {}, 2, "--usd must be an amount"],
    ["too many decimals", ["create-tenant", "--name", "x", "--credit-usd", "0.0000001"], {}, 2, "at most 6 decimals"],
    ["an unknown command", ["refund"], {}, 2, 'unknown command "refund"'],
    ["an unknown option", ["credit", "--tenant", "a", "--dollars", "1"], {}, 2, "--dollars"],
  ])("fails clearly on %s", async (_label, args, env, code, message) => {
    const r = await admin(args, env);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });
});
