// Operator commands for self-hosters, over the admin API (guarded by ADMIN_TOKEN):
//   npm run -s admin -- create-tenant --name "Acme" [--id acme] [--credit-usd 5]
//   npm run -s admin -- credit --tenant acme --usd 2.50 --ref invoice-42 [--note "…"]
//   npm run -s admin -- rotate-vault-key [--limit 100]
// Exit codes: 0 done; 1 Gatehouse refused or could not be reached; 2 bad arguments.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { APIConnectionError, APIConnectionTimeoutError, Gatehouse, GatehouseError } from "../generated/client";
import { readDevVars } from "./lib/dev-vars";

const DEFAULT_URL = "http://127.0.0.1:8787";
const DEV_VARS = join(resolve(import.meta.dirname, ".."), ".dev.vars");

const USAGE = `usage: npm run -s admin -- <command> [options]

commands:
  create-tenant --name <name> [--id <id>] [--credit-usd <amount>]
      Create a tenant and its first master key (the secret is printed once).
  credit --tenant <id> --usd <amount> --ref <ref> [--note <text>]
      Add money to a tenant's wallet. The same --ref credits once, however often it is run.
  rotate-vault-key [--limit <rows per request, 1-500>]
      Re-seal every stored secret (end users' connector credentials, webhook tools' signing
      secrets) under the current VAULT_KEY, a page at a time, showing progress. To rotate:
        1. set VAULT_KEY_PREVIOUS to the old key and VAULT_KEY to a new one
           (openssl rand -base64 32; wrangler secret put VAULT_KEY / VAULT_KEY_PREVIOUS),
        2. run this command until it reports no failures (safe to rerun: rows already under
           the new key are left alone),
        3. remove VAULT_KEY_PREVIOUS (wrangler secret delete VAULT_KEY_PREVIOUS).
      Exits 1 when a secret did not open (listed; restore its key as VAULT_KEY_PREVIOUS, or
      have the end user reconnect) — keep VAULT_KEY_PREVIOUS until then.

options:
  --json        print the API's JSON answer instead of a summary
  -h, --help    show this help

environment:
  GATEHOUSE_URL   where Gatehouse runs (default ${DEFAULT_URL})
  ADMIN_TOKEN     the operator token (default: ADMIN_TOKEN in .dev.vars, written by npm start)`;

class UsageError extends Error {}

/** "12.5" → 12_500_000 micro-dollars, exactly (no float rounding); at most 6 decimals. */
function usdToMicrosExact(text: string, flag: string): number {
  const m = /^(\d{1,9})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} must be an amount in US dollars like 5 or 2.50 (at most 6 decimals), got "${text}"`);
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? "").padEnd(6, "0"));
}

const usd = (micros: number) => `$${(micros / 1_000_000).toFixed(micros % 10_000 === 0 ? 2 : 6)}`;

function need(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") throw new UsageError(`${command} needs ${flag}`);
  return value;
}

async function adminToken(): Promise<string> {
  const fromEnv = process.env.ADMIN_TOKEN;
  if (fromEnv) return fromEnv;
  const fromFile = (await readDevVars(DEV_VARS)).get("ADMIN_TOKEN");
  if (fromFile) return fromFile;
  throw new UsageError(`no admin token: set ADMIN_TOKEN, or run npm start once (it writes one to ${DEV_VARS})`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      id: { type: "string" },
      "credit-usd": { type: "string" },
      tenant: { type: "string" },
      usd: { type: "string" },
      ref: { type: "string" },
      note: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    console.log(USAGE);
    if (command === undefined && !values.help) process.exitCode = 2;
    return;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const baseURL = (process.env.GATEHOUSE_URL || DEFAULT_URL).replace(/\/+$/, "");
  const client = new Gatehouse({ baseURL, apiKey: await adminToken() });

  switch (command) {
    case "create-tenant": {
      const name = need(values.name, "--name <name>", command);
      const credit = values["credit-usd"] === undefined ? 0 : usdToMicrosExact(values["credit-usd"], "--credit-usd");
      const body = { name, ...(values.id ? { id: values.id } : {}), ...(credit > 0 ? { initial_credit_micros: credit } : {}) };
      const t = await client.adminCreateTenant({ body });
      if (values.json) return console.log(JSON.stringify(t, null, 2));
      console.log(`Created tenant ${t.id} ("${t.name}")${credit > 0 ? ` with ${usd(credit)} of credit` : ""}.`);
      console.log(`Master key (shown once; store it now): ${t.master_key.secret}`);
      console.log(`  curl -s ${baseURL}/v1/wallet -H "x-api-key: ${t.master_key.secret}"`);
      return;
    }
    case "credit": {
      const tenant = need(values.tenant, "--tenant <id>", command);
      const amount = usdToMicrosExact(need(values.usd, "--usd <amount>", command), "--usd");
      if (amount === 0) throw new UsageError("--usd must be more than 0");
      const ref = need(values.ref, "--ref <ref> (an idempotency reference, e.g. an invoice number)", command);
      const r = await client.adminCreditTenant({ path: { id: tenant }, body: { amount_micros: amount, ref, ...(values.note ? { note: values.note } : {}) } });
      if (values.json) return console.log(JSON.stringify(r, null, 2));
      console.log(
        r.applied
          ? `Credited ${usd(amount)} to ${tenant} (ref ${ref}). Balance: ${usd(r.balance_micros)}.`
          : `Ref ${ref} was already credited to ${tenant}; nothing changed. Balance: ${usd(r.balance_micros)}.`,
      );
      return;
    }
    case "rotate-vault-key":
      return rotateVaultKey(client, values.limit === undefined ? undefined : pageLimit(values.limit), values.json);
    default:
      throw new UsageError(`unknown command "${command}" (create-tenant, credit, rotate-vault-key)`);
  }
}

function pageLimit(text: string): number {
  const n = /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= 1 && n <= 500)) throw new UsageError(`--limit must be a whole number from 1 to 500, got "${text}"`);
  return n;
}

/** POST /v1/admin/vault/reseal page after page until next_after is null; exit 1 if any secret did not open. */
async function rotateVaultKey(client: Gatehouse, limit: number | undefined, json: boolean): Promise<void> {
  const total = { pages: 0, resealed: 0, unchanged: 0 };
  const failed: Array<{ kind: string; tenant_id: string; id: string; reason: string }> = [];
  let after: string | undefined;
  do {
    const page = await client.adminResealVault({ body: { ...(after ? { after } : {}), ...(limit ? { limit } : {}) } });
    total.pages++;
    total.resealed += page.resealed;
    total.unchanged += page.unchanged;
    failed.push(...page.failed);
    if (!json) console.log(`page ${total.pages}: ${page.resealed} re-sealed, ${page.unchanged} unchanged, ${page.failed.length} failed (so far ${total.resealed + total.unchanged + failed.length} rows)`);
    after = page.next_after ?? undefined;
  } while (after !== undefined);
  if (json) console.log(JSON.stringify({ ...total, failed }, null, 2));
  else {
    for (const f of failed) console.log(`  did not open: ${f.kind} ${f.id} of tenant ${f.tenant_id} (${f.reason})`);
    console.log(`Done: ${total.resealed} re-sealed under the current VAULT_KEY, ${total.unchanged} already under it, ${failed.length} did not open.`);
    console.log(
      failed.length === 0
        ? "Every stored secret opens with VAULT_KEY alone: you may now remove VAULT_KEY_PREVIOUS."
        : "Keep VAULT_KEY_PREVIOUS until the secrets above are fixed (restore their key, or have the end users reconnect), then run this again.",
    );
  }
  if (failed.length > 0) process.exitCode = 1;
}

/** Says what went wrong and what to do about it. */
function explain(e: unknown, baseURL: string): string {
  // No answer at all (after the client's retries): fetch's TypeError is its cause, and that one's cause says why (ECONNREFUSED, ENOTFOUND, …).
  if (e instanceof APIConnectionError && !(e instanceof APIConnectionTimeoutError)) {
    const why = ((e as { cause?: { cause?: { code?: string; message?: string } } }).cause?.cause ?? {}) as { code?: string; message?: string };
    return `cannot reach Gatehouse at ${baseURL} (${why.code ?? why.message ?? e.message}): is it running? (npm start, or set GATEHOUSE_URL)`;
  }
  if (e instanceof GatehouseError) {
    const hint =
      e.status === 401
        ? " — the admin token was refused: use the ADMIN_TOKEN the server runs with"
        : e.status === 403
          ? " — set ADMIN_TOKEN in .dev.vars (or `wrangler secret put ADMIN_TOKEN`) and restart"
          : "";
    return `Gatehouse answered ${e.status} ${e.type}: ${(e.body as { error?: { message?: string } })?.error?.message ?? e.message}${hint}`;
  }
  return (e as Error).message;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`admin: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`admin: ${explain(e, (process.env.GATEHOUSE_URL || DEFAULT_URL).replace(/\/+$/, ""))}`);
  process.exit(1);
});
