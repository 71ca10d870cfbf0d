import { describe, expect, it } from "vitest";
import { checkKeyShape, hashSecret, newSecret } from "../../../runtime/auth/key-material";
import { keyModeFor, keyRowFor, masterKey, mintKey } from "../../../runtime/keys/key-mint";
import { newTenant } from "../../../runtime/keys/tenant-creation";

describe("mintKey", () => {
  it("gives a checksummed secret of the mode and a row that keeps only its hash and prefix", () => {
    const { row, secret } = mintKey("live", { name: "alice", scope: "standard", end_user_id: "u1", max_spend_micros: 1_000_000 }, 1234);
    expect(secret).toMatch(/^qlk_live_/);
    expect(checkKeyShape(secret)).toBe("ok");
    expect(row).toMatchObject({ name: "alice", scope: "standard", end_user_id: "u1", max_spend_micros: 1_000_000, created_at: 1234, last_used_at: null, revoked_at: null });
    expect(row.hash).toBe(hashSecret(secret));
    expect(row.prefix).toBe(secret.slice(0, 13));
    expect(row.id).toMatch(/^key_/);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("gives every key its own id and secret", () => {
    const a = mintKey("test", masterKey(), 1);
    const b = mintKey("test", masterKey(), 1);
    expect(a.row.id).not.toBe(b.row.id);
    expect(a.secret).not.toBe(b.secret);
  });
});

describe("keyModeFor", () => {
  it("mints live keys in production only", () => {
    expect(keyModeFor("production")).toBe("live");
    expect(keyModeFor("development")).toBe("test");
    expect(keyModeFor(undefined)).toBe("test");
  });
});

describe("newTenant", () => {
  it("makes the tenant and its uncapped master key for the secret given, at one time", () => {
    const secret = newSecret("test");
    const { tenant, master } = newTenant({ id: "dev", name: "Dev tenant", secret, nowMs: 99, keyId: "key_dev_master", keyName: "dev master" });
    expect(tenant).toEqual({ id: "dev", name: "Dev tenant", created_at: 99 });
    expect(master).toEqual(keyRowFor(secret, { name: "dev master", scope: "master", end_user_id: null, max_spend_micros: null }, 99, "key_dev_master"));
  });

  it("names the key master and gives it a fresh id when not told otherwise", () => {
    const { master } = newTenant({ id: "t", name: "T", secret: newSecret("test"), nowMs: 1 });
    expect(master.name).toBe("master");
    expect(master.id).toMatch(/^key_/);
  });
});
