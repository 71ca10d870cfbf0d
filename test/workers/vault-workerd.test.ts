// The vault inside workerd: its WebCrypto (HKDF, AES-GCM, atob) behaves as node's does, and a
// record sealed by one opens in the other (the admin CLI reseals from node, the Worker opens).
import { describe, expect, it } from "vitest";
import { open, readKeyring, reseal, seal, VaultError } from "../../runtime/vault/vault";

const binding = { tenantId: "ten_w", endUserId: "eu_w", connectorId: "stripe", connectionId: "conn_w" };

function randomKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

describe("vault in workerd", () => {
  it("seals, opens, refuses another row and reseals across a rotation", async () => {
    const oldKey = randomKey();
    const record = await seal(await readKeyring({ VAULT_KEY: oldKey }), binding, { api_key: "sk_test_workerd_secret" });
    const keyring = await readKeyring({ VAULT_KEY: randomKey(), VAULT_KEY_PREVIOUS: oldKey });
    expect(await open(keyring, record, binding)).toEqual({ api_key: "sk_test_workerd_secret" });
    await expect(open(keyring, record, { ...binding, connectionId: "conn_x" })).rejects.toBeInstanceOf(VaultError);
    const moved = await reseal(keyring, record, binding);
    expect(moved.split(".")[1]).toBe(keyring.current.id);
    expect(await open(keyring, moved, binding)).toEqual({ api_key: "sk_test_workerd_secret" });
  });

  it("opens a record sealed in node (a fixed vector: same key, same binding)", async () => {
    const keyring = await readKeyring({ VAULT_KEY: NODE_KEY });
    expect(await open(keyring, NODE_RECORD, binding)).toEqual({ api_key: "sk_test_from_node" });
  });
});

// Sealed once in node with a test-only key (32 bytes of 0x07); the key id pins the derivation.
const NODE_KEY = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
const NODE_RECORD = "v1.4bb06f8e.6sJ36a3Nm-_Ldyw7.J0y7NbGoY5tpBtCRwzpXRwXtUpOFvsMxsEw95ieBFbJwCO_bbLylyDmE4PI2UOM";
