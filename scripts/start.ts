// npm start: gen → local D1 migrations → seed the dev tenant and key → wrangler dev.
// Everything runs locally in workerd; no network and no telemetry.
import { spawn, type SpawnOptions } from "node:child_process";
import { join, resolve } from "node:path";
import { tenantWithMasterKey } from "../runtime/db/tenants";
import { sqlScript } from "../runtime/db/statements";
import { newTenant } from "../runtime/keys/tenant-creation";
import { ensureDevVars } from "./lib/dev-vars";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const portArg = args.find((a) => a.startsWith("--port="));
const port = Number(portArg?.slice("--port=".length) ?? process.env.PORT ?? 8787);
// CLOUDFLARE_CF_FETCH_ENABLED=false: keep Request.cf local instead of fetching it from the internet.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true", NO_COLOR: "1" };
const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");

const DEV_TENANT = "dev";
const DEV_CREDIT_MICROS = 10_000_000; // $10 of test credit

function step(name: string, detail: string, t0: number) {
  console.log(`start ▸ ${name.padEnd(8)} ${detail} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

function run(cmd: string, argv: string[], quiet = true, opts: SpawnOptions = {}): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d;
      if (!quiet) process.stdout.write(d);
    });
    child.stderr?.on("data", (d: Buffer) => (out += d));
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${argv.join(" ")} exited with ${code}\n${out.slice(-3000)}`))));
  });
}

async function main() {
  let t0 = performance.now();
  await run(process.execPath, ["--import", "tsx", join(root, "codegen/cli.ts")], false);
  step("gen", "generated/ is current", t0);

  t0 = performance.now();
  const { masterKey, adminToken, created } = await ensureDevVars(join(root, ".dev.vars"));
  step("secrets", created ? ".dev.vars written (git-ignored)" : ".dev.vars kept", t0);

  t0 = performance.now();
  await run(process.execPath, [wrangler, "d1", "migrations", "apply", "DB", "--local"]);
  step("migrate", "local D1 migrations applied", t0);

  t0 = performance.now();
  // The same statements the Worker writes a tenant with (runtime/db/tenants.ts), in their
  // re-seed form: the tenant is kept, its master key takes .dev.vars' secret again.
  const devTenant = newTenant({ id: DEV_TENANT, name: "Dev tenant", secret: masterKey, nowMs: Date.now(), keyId: "key_dev_master", keyName: "dev master" });
  const seed = sqlScript(tenantWithMasterKey(devTenant.tenant, devTenant.master, "reseed"));
  await run(process.execPath, [wrangler, "d1", "execute", "DB", "--local", "--command", seed]);
  step("seed", `tenant "${DEV_TENANT}" and its master key`, t0);

  t0 = performance.now();
  const dev = spawn(
    process.execPath,
    [wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] },
  );
  const stop = () => dev.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  dev.on("exit", (code) => process.exit(code ?? 0));

  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error(`wrangler dev did not answer on ${base} within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Test credit through the admin API; the ref makes it once-only across restarts.
  const credit = await fetch(`${base}/v1/admin/tenants/${DEV_TENANT}/credit`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ amount_micros: DEV_CREDIT_MICROS, ref: "dev-seed", note: "npm start test credit" }),
  });
  if (!credit.ok) throw new Error(`seeding credit failed: ${credit.status} ${await credit.text()}`);
  const { balance_micros } = (await credit.json()) as { balance_micros: number };
  step("serve", `wrangler dev on ${base}`, t0);

  console.log(`
  Gatehouse is running on ${base}   (dev tenant balance: $${(balance_micros / 1e6).toFixed(2)})
  Master key (also in .dev.vars as DEV_MASTER_KEY): ${masterKey}

  curl -s ${base}/v1/models -H "x-api-key: ${masterKey}"
  curl -s ${base}/v1/keys -H "x-api-key: ${masterKey}" -H "content-type: application/json" -d '{"name":"alice","end_user_id":"u1","max_spend_usd":1}'
`);
}

main().catch((e: Error) => {
  console.error(`start: ${e.message}`);
  process.exit(1);
});
