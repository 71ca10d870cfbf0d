// `npm run admin -- rotate-vault-key` against a scripted admin API on 127.0.0.1: it follows
// next_after page by page with the admin token, prints progress and the totals, says when
// VAULT_KEY_PREVIOUS may go, and exits 1 (listing them) when a secret did not open. The route
// itself is tested in workerd (test/workers/connections-vault-rotation.test.ts).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runAdminCli, type CliRun } from "../support/admin-cli";

let server: Server | undefined;

afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Serves `pages` in order to POST /v1/admin/vault/reseal; records each request's body and token. */
async function serve(pages: unknown[]): Promise<{ url: string; seen: Array<{ body: unknown; token: string | undefined }> }> {
  const seen: Array<{ body: unknown; token: string | undefined }> = [];
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/admin/vault/reseal") {
        res.writeHead(404).end();
        return;
      }
      seen.push({ body: JSON.parse(text), token: (req.headers["x-api-key"] as string | undefined) ?? req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(pages[seen.length - 1]));
    });
  });
  await new Promise<void>((done) => server?.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, seen };
}

function admin(url: string, args: string[]): Promise<CliRun> {
  return runAdminCli(args, { url, adminToken: "adm_cli_test" });
}

const page = (resealed: number, unchanged: number, next: string | null, failed: unknown[] = []) => ({ object: "vault.reseal", resealed, unchanged, failed, next_after: next });

describe("npm run admin -- rotate-vault-key", () => {
  it("follows next_after until done, with progress, and says VAULT_KEY_PREVIOUS may go", async () => {
    const api = await serve([page(2, 0, "c1"), page(1, 1, "c2"), page(0, 0, null)]);
    const r = await admin(api.url, ["rotate-vault-key", "--limit", "2"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(api.seen.map((s) => s.body)).toEqual([{ limit: 2 }, { after: "c1", limit: 2 }, { after: "c2", limit: 2 }]);
    expect(api.seen.every((s) => s.token === "adm_cli_test" || s.token === "Bearer adm_cli_test")).toBe(true);
    expect(r.stdout).toContain("page 1: 2 re-sealed, 0 unchanged, 0 failed");
    expect(r.stdout).toContain("page 3:");
    expect(r.stdout).toContain("Done: 3 re-sealed under the current VAULT_KEY, 1 already under it, 0 did not open.");
    expect(r.stdout).toContain("you may now remove VAULT_KEY_PREVIOUS");
  }, 30_000);

  it("lists secrets that did not open and exits 1, telling the operator to keep VAULT_KEY_PREVIOUS", async () => {
    const failure = { kind: "connection", tenant_id: "acme", id: "conn_1", reason: "unknown_key: sealed under key 1234abcd" };
    const api = await serve([page(0, 0, "c1", [failure]), page(1, 0, null)]);
    const r = await admin(api.url, ["rotate-vault-key"]);
    expect(r.code).toBe(1);
    expect(api.seen.map((s) => s.body)).toEqual([{}, { after: "c1" }]);
    expect(r.stdout).toContain("did not open: connection conn_1 of tenant acme (unknown_key: sealed under key 1234abcd)");
    expect(r.stdout).toContain("Keep VAULT_KEY_PREVIOUS");
  }, 30_000);

  it("refuses a bad --limit before calling anything, and documents the rotation in its usage", async () => {
    const api = await serve([]);
    const bad = await admin(api.url, ["rotate-vault-key", "--limit", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--limit must be a whole number from 1 to 500");
    expect(api.seen).toEqual([]);
    const help = await admin(api.url, ["--help"]);
    expect(help.stdout).toContain("rotate-vault-key");
    expect(help.stdout).toContain("set VAULT_KEY_PREVIOUS to the old key and VAULT_KEY to a new one");
    expect(help.stdout).toContain("remove VAULT_KEY_PREVIOUS");
  }, 30_000);
});
