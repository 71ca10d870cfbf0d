import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { checkKeyShape, newSecret } from "../../runtime/auth/key-material";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(n: number): string {
  let out = "";
  while (out.length < n) for (const b of randomBytes(n * 2)) if (b < 248 && out.length < n) out += ALPHABET[b % 62];
  return out;
}

/** Reads `.dev.vars` (KEY=value lines) into a map; missing file → empty. */
export async function readDevVars(path: string): Promise<Map<string, string>> {
  const text = await readFile(path, "utf8").catch(() => "");
  const vars = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (m) vars.set(m[1] as string, (m[2] as string).replace(/^"(.*)"$/, "$1"));
  }
  return vars;
}

/**
 * Makes sure `.dev.vars` holds a dev master key, an admin token and a vault key (connector
 * credentials are sealed with it), keeping any that are
 * already there (so re-running `npm start` keeps the same key) and every other line.
 */
export async function ensureDevVars(path: string): Promise<{ masterKey: string; adminToken: string; created: boolean }> {
  const vars = await readDevVars(path);
  let text = await readFile(path, "utf8").catch(() => "");
  let created = false;
  const add = (name: string, value: string) => {
    if (text && !text.endsWith("\n")) text += "\n";
    text += `${name}=${value}\n`;
    vars.set(name, value);
    created = true;
  };
  // A key from before key checksums is refused by the Worker: mint a new one (start.ts
  // re-seeds the dev master key's hash on every run).
  const kept = vars.get("DEV_MASTER_KEY");
  if (kept && checkKeyShape(kept) !== "ok") text = text.replace(/^\s*DEV_MASTER_KEY\s*=.*(\r?\n|$)/m, "");
  if (!kept || checkKeyShape(kept) !== "ok") add("DEV_MASTER_KEY", newSecret("test"));
  if (!vars.get("ADMIN_TOKEN")) add("ADMIN_TOKEN", `adm_${base62(40)}`);
  // Never replaced once there: credentials sealed under it would no longer open.
  if (!vars.get("VAULT_KEY")) add("VAULT_KEY", randomBytes(32).toString("base64"));
  if (created) await writeFile(path, text, { mode: 0o600 });
  return { masterKey: vars.get("DEV_MASTER_KEY") as string, adminToken: vars.get("ADMIN_TOKEN") as string, created };
}
