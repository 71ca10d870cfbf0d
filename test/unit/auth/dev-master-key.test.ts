// `npm start` keeps DEV_MASTER_KEY in .dev.vars across runs. A key written before key
// checksums would now be refused by the Worker, so the next run must mint a new one (the
// seed step rewrites the dev master key's hash) and keep everything else in the file.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkKeyShape, newSecret } from "../../../runtime/auth/key-material";
import { ensureDevVars } from "../../../scripts/lib/dev-vars";

let dir = "";
afterEach(async () => void (dir && (await rm(dir, { recursive: true, force: true }))));

async function devVars(text: string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "gh-devvars-"));
  const path = join(dir, ".dev.vars");
  await writeFile(path, text);
  return path;
}

describe("dev master key across npm start runs", () => {
  it("a dev master key from before checksums is replaced by one the Worker accepts, other lines kept", async () => {
    const path = await devVars("OPENAI_API_KEY=sk-mine\nDEV_MASTER_KEY=qlk_test_0123456789abcdefghijklmnopqrstuv\nADMIN_TOKEN=adm_keep\n");
    const { masterKey, adminToken } = await ensureDevVars(path);
    expect(checkKeyShape(masterKey)).toBe("ok");
    expect(adminToken).toBe("adm_keep");
    const text = await readFile(path, "utf8");
    expect(text).toContain("OPENAI_API_KEY=sk-mine");
    expect(text.match(/DEV_MASTER_KEY=/g)).toHaveLength(1);
    expect(text).toContain(`DEV_MASTER_KEY=${masterKey}`);
  });

  it("a vault key (base64 of 32 random bytes) is added once and then kept", async () => {
    const path = await devVars("ADMIN_TOKEN=adm_keep\n");
    await ensureDevVars(path);
    const first = /^VAULT_KEY=(.+)$/m.exec(await readFile(path, "utf8"))?.[1];
    expect(Buffer.from(first ?? "", "base64")).toHaveLength(32);
    await ensureDevVars(path);
    expect((await readFile(path, "utf8")).match(/^VAULT_KEY=(.+)$/m)?.[1]).toBe(first);
  });

  it("a valid dev master key is kept as it is", async () => {
    const kept = newSecret("test");
    const path = await devVars(`DEV_MASTER_KEY=${kept}\nADMIN_TOKEN=adm_keep\n`);
    expect((await ensureDevVars(path)).masterKey).toBe(kept);
  });
});
