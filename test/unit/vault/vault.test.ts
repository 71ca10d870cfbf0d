// The vault seals credentials so a stored row is useless anywhere but its own row, and so
// the operator can rotate VAULT_KEY without end users reconnecting.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../runtime/errors";
import { additionalData } from "../../../runtime/vault/binding";
import { derivedKeyCount, tenantKey } from "../../../runtime/vault/keyring";
import { open, readKeyring, reseal, seal, VaultError, type VaultBinding } from "../../../runtime/vault/vault";

function randomKey(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64");
}

const KEY = randomKey();
const OLD_KEY = randomKey();
const binding: VaultBinding = { tenantId: "ten_1", endUserId: "user_a", connectorId: "github", connectionId: "conn_1" };
const secret = { api_key: "ghp_SuperSecretToken1234567890", label: "work" };

async function rejection(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

describe("seal and open", () => {
  it("round-trips a credential for the same row", async () => {
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    const record = await seal(keyring, binding, secret);
    expect(await open(keyring, record, { ...binding })).toEqual(secret);
  });

  it("stores the key id (first 8 hex of SHA-256 of the raw key), an IV and ciphertext, never the plaintext", async () => {
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    const record = await seal(keyring, binding, secret);
    const keyId = (await crypto.subtle.digest("SHA-256", Buffer.from(KEY, "base64"))).slice(0, 4);
    expect(record.split(".").slice(0, 2)).toEqual(["v1", Buffer.from(keyId).toString("hex")]);
    const bytes = Buffer.from(record.split(".")[3]!, "base64url");
    for (const haystack of [record, bytes.toString("latin1"), Buffer.from(record).toString("base64")]) {
      expect(haystack).not.toContain("ghp_SuperSecret");
      expect(haystack).not.toContain("SuperSecret");
    }
  });

  it("uses a fresh IV: two seals of the same value differ, and both open", async () => {
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    const a = await seal(keyring, binding, secret);
    const b = await seal(keyring, binding, secret);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
    expect(await open(keyring, b, binding)).toEqual(await open(keyring, a, binding));
  });
});

describe("a record moved to another row fails to open", () => {
  const moves: [string, Partial<VaultBinding>][] = [
    ["another tenant", { tenantId: "ten_2" }],
    ["another end user", { endUserId: "user_b" }],
    ["another connector", { connectorId: "gitlab" }],
    ["another connection", { connectionId: "conn_2" }],
  ];
  for (const [name, change] of moves) {
    it(name, async () => {
      const keyring = await readKeyring({ VAULT_KEY: KEY });
      const record = await seal(keyring, binding, secret);
      const error = await rejection(open(keyring, record, { ...binding, ...change }));
      expect(error.reason).toBe("rejected");
      expect(error.message).toMatch(/does not open for this connection/);
      expect(error.message).not.toContain("SuperSecret");
    });
  }

  it("joined-by-separator lookalikes do not collide", async () => {
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    const left: VaultBinding = { tenantId: "t", endUserId: "a:b", connectorId: "c", connectionId: "d" };
    const right: VaultBinding = { tenantId: "t", endUserId: "a", connectorId: "b:c", connectionId: "d" };
    const record = await seal(keyring, left, secret);
    expect((await rejection(open(keyring, record, right))).reason).toBe("rejected");
  });
});

describe("tampering", () => {
  it("any flipped byte of the IV or ciphertext is refused", async () => {
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    const record = await seal(keyring, binding, secret);
    const [version, keyId, iv, ciphertext] = record.split(".") as [string, string, string, string];
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, "base64url");
      bytes[at] = bytes[at]! ^ 0x01;
      return bytes.toString("base64url");
    };
    const ctLength = Buffer.from(ciphertext, "base64url").length;
    for (const at of [0, Math.floor(ctLength / 2), ctLength - 1]) {
      const error = await rejection(open(keyring, [version, keyId, iv, flip(ciphertext, at)].join("."), binding));
      expect(error.reason).toBe("rejected");
    }
    expect((await rejection(open(keyring, [version, keyId, flip(iv, 5), ciphertext].join("."), binding))).reason).toBe("rejected");
  });

  it("a record that is not one says so without quoting it", async () => {
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    for (const junk of ["", "ghp_SuperSecretToken", "v2.00000000.AAAA.AAAA", "v1.zz.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"]) {
      const error = await rejection(open(keyring, junk, binding));
      expect(error.reason).toBe("malformed");
      expect(error.message).not.toContain("SuperSecret");
    }
  });
});

describe("rotation", () => {
  it("a record sealed under the previous key opens, and reseal moves it to the current key id", async () => {
    const before = await readKeyring({ VAULT_KEY: OLD_KEY });
    const record = await seal(before, binding, secret);
    const after = await readKeyring({ VAULT_KEY: KEY, VAULT_KEY_PREVIOUS: OLD_KEY });
    expect(await open(after, record, binding)).toEqual(secret);

    const moved = await reseal(after, record, binding);
    expect(moved.split(".")[1]).toBe(after.current.id);
    expect(moved.split(".")[1]).not.toBe(record.split(".")[1]);
    // Once every row is resealed the old key can go: the new record opens with VAULT_KEY alone.
    expect(await open(await readKeyring({ VAULT_KEY: KEY }), moved, binding)).toEqual(secret);
    // A rerun writes nothing.
    expect(await reseal(after, moved, binding)).toBe(moved);
  });

  it("reseal refuses a record moved to another row rather than re-binding it", async () => {
    const after = await readKeyring({ VAULT_KEY: KEY, VAULT_KEY_PREVIOUS: OLD_KEY });
    const record = await seal(await readKeyring({ VAULT_KEY: OLD_KEY }), binding, secret);
    expect((await rejection(reseal(after, record, { ...binding, endUserId: "user_b" }))).reason).toBe("rejected");
  });

  it("a record under a key the keyring no longer holds names the key id and the var to restore", async () => {
    const record = await seal(await readKeyring({ VAULT_KEY: OLD_KEY }), binding, secret);
    const error = await rejection(open(await readKeyring({ VAULT_KEY: KEY }), record, binding));
    expect(error.reason).toBe("unknown_key");
    expect(error.message).toContain(record.split(".")[1]!);
    expect(error.message).toContain("VAULT_KEY_PREVIOUS");
  });
});

describe("per-tenant keys", () => {
  it("each tenant's AES key differs: the right additional data under another tenant's key fails", async () => {
    // Binding the tenant in the AAD alone would already refuse a moved record; this checks the
    // key itself is per tenant, so one tenant's derived key opens nothing of another's.
    const keyring = await readKeyring({ VAULT_KEY: KEY });
    const record = await seal(keyring, binding, secret);
    const [version, keyId, iv, ciphertext] = record.split(".") as [string, string, string, string];
    const decrypt = async (tenantId: string) =>
      crypto.subtle.decrypt(
        { name: "AES-GCM", iv: Buffer.from(iv, "base64url"), additionalData: additionalData(version, keyId, binding) },
        await tenantKey(keyring.current, tenantId),
        Buffer.from(ciphertext, "base64url"),
      );
    expect(JSON.parse(Buffer.from(await decrypt(binding.tenantId)).toString())).toEqual(secret);
    await expect(decrypt("ten_2")).rejects.toThrow();
  });

  it("derives a tenant's key once per isolate and reuses it", async () => {
    const keyring = await readKeyring({ VAULT_KEY: randomKey() });
    const before = derivedKeyCount();
    const record = await seal(keyring, binding, secret);
    await Promise.all([open(keyring, record, binding), seal(keyring, binding, secret), seal(keyring, binding, secret)]);
    expect(derivedKeyCount()).toBe(before + 1);
    await seal(keyring, { ...binding, tenantId: "ten_9" }, secret);
    expect(derivedKeyCount()).toBe(before + 2);
  });
});

describe("VAULT_KEY is checked", () => {
  const bad: [string, Record<string, string | undefined>, string][] = [
    ["missing", {}, "VAULT_KEY is not set"],
    ["empty", { VAULT_KEY: "  " }, "VAULT_KEY is not set"],
    ["16 bytes", { VAULT_KEY: randomKey(16) }, "VAULT_KEY decodes to 16 bytes"],
    ["not base64", { VAULT_KEY: "correct horse battery staple correct horse battery" }, "VAULT_KEY is not valid base64"],
    ["a typo inside", { VAULT_KEY: `${randomKey().slice(0, 20)}!${randomKey().slice(21)}` }, "VAULT_KEY is not valid base64"],
    ["a short previous key", { VAULT_KEY: KEY, VAULT_KEY_PREVIOUS: randomKey(8) }, "VAULT_KEY_PREVIOUS decodes to 8 bytes"],
  ];
  for (const [name, env, says] of bad) {
    it(`refuses ${name}, naming the var and not echoing the value`, async () => {
      const error = await readKeyring(env).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      const message = (error as ApiError).message;
      expect(message).toContain(says);
      expect(message).toContain("openssl rand -base64 32");
      for (const value of Object.values(env)) if (value && value.trim()) expect(message).not.toContain(value.trim());
      // An operator error that says what to fix, not a bare crash.
      expect((error as ApiError).kind).toBe("internal");
    });
  }

  it("accepts the secret as openssl prints it (with a trailing newline) and url-safe base64", async () => {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const a = await readKeyring({ VAULT_KEY: `${Buffer.from(raw).toString("base64")}\n` });
    const b = await readKeyring({ VAULT_KEY: Buffer.from(raw).toString("base64url") });
    expect(a.current.id).toBe(b.current.id);
    const record = await seal(a, binding, secret);
    expect(await open(b, record, binding)).toEqual(secret);
  });
});

describe("stored records stay readable", () => {
  it("opens a record sealed by this version (a change to the format or derivation breaks stored rows)", async () => {
    // Same vector as test/workers/vault-workerd.test.ts; the key is test-only (32 bytes of 0x07).
    const keyring = await readKeyring({ VAULT_KEY: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=" });
    const record = "v1.4bb06f8e.6sJ36a3Nm-_Ldyw7.J0y7NbGoY5tpBtCRwzpXRwXtUpOFvsMxsEw95ieBFbJwCO_bbLylyDmE4PI2UOM";
    const row = { tenantId: "ten_w", endUserId: "eu_w", connectorId: "stripe", connectionId: "conn_w" };
    expect(await open(keyring, record, row)).toEqual({ api_key: "sk_test_from_node" });
  });
});
