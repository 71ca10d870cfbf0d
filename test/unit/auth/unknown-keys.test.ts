// A flood of keys that do not exist must not cost a D1 (or KV) read per request: a random
// string is refused by its checksum, and an unknown or revoked key with a valid checksum is
// remembered per isolate. The bindings here record every call, so the tests can count the reads.
import { describe, expect, it } from "vitest";
import { authenticate } from "../../../runtime/auth/authenticate";
import { checkKeyShape, crc32, hashSecret, keyChecksum, newSecret, randomBase62 } from "../../../runtime/auth/key-material";
import { findKeyBySecret, forgetKey } from "../../../runtime/auth/key-store";
import { ApiError } from "../../../runtime/errors";
import type { KeyRecord } from "../../../runtime/db/api-keys";
import { crc32 as zlibCrc32 } from "node:zlib";

interface Recorder {
  env: Env;
  ctx: ExecutionContext;
  calls: string[];
}

/** Bindings that record each call; D1 answers `row` to a key lookup, the Wallet `revoked`. */
function recordingEnv(row: KeyRecord | null = null, walletRevoked = false): Recorder {
  const calls: string[] = [];
  const db = {
    prepare(sql: string) {
      calls.push(`d1:${sql.slice(0, 30)}`);
      const stmt = { bind: () => stmt, first: async () => row, run: async () => ({}), all: async () => ({ results: [] }) };
      return stmt;
    },
  };
  const kv = {
    get: async () => (calls.push("kv:get"), null),
    put: async () => void calls.push("kv:put"),
    delete: async () => void calls.push("kv:delete"),
  };
  const wallet = {
    idFromName: (name: string) => name,
    get: () => ({
      keyState: async (id: string) => (calls.push("wallet:keyState"), { key_id: id, cap_micros: row?.max_spend_micros ?? null, spent_micros: 0, reserved_micros: 0, revoked: walletRevoked }),
    }),
  };
  const env = { DB: db, KEY_CACHE: kv, WALLET: wallet, ENVIRONMENT: "development" } as unknown as Env;
  const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
  return { env, ctx, calls };
}

const withKey = (secret: string) => new Request("http://gatehouse.test/v1/threads", { headers: { "x-api-key": secret } });

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

describe("key checksum", () => {
  it("a random well-formed key is refused with 401 before any D1 or KV read", async () => {
    for (let i = 0; i < 200; i++) {
      const r = recordingEnv();
      const err = await refusal(authenticate(withKey(`qlk_live_${randomBase62(32)}`), r.env, r.ctx, "standard"));
      expect(err.status).toBe(401);
      expect(r.calls).toEqual([]);
    }
  });

  it("a mistyped or truncated key is refused with a message saying to copy it again", async () => {
    const secret = newSecret("test");
    const typo = secret.slice(0, 20) + (secret[20] === "a" ? "b" : "a") + secret.slice(21);
    const r = recordingEnv();
    const err = await refusal(authenticate(withKey(typo), r.env, r.ctx, "master"));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/checksum/);
    expect(r.calls).toEqual([]);
  });

  it("every minted key carries its checksum, and changing any one character breaks it", () => {
    for (let i = 0; i < 100; i++) {
      const secret = newSecret(i % 2 ? "live" : "test");
      expect(checkKeyShape(secret)).toBe("ok");
      const at = 9 + (i % 32);
      const other = secret[at] === "0" ? "1" : "0";
      expect(checkKeyShape(secret.slice(0, at) + other + secret.slice(at + 1))).toBe("no_checksum");
    }
    // The mode is covered too: a test key cannot be passed off as a live one.
    const test = newSecret("test");
    expect(checkKeyShape(test.replace("qlk_test_", "qlk_live_"))).toBe("no_checksum");
  });

  it("the checksum is zlib's CRC-32 in 6 base62 characters", () => {
    for (const s of ["", "a", "qlk_test_abcdefghijklmnopqrstuvwxyz"]) expect(crc32(s)).toBe(zlibCrc32(s));
    expect(keyChecksum("")).toBe("000000");
    expect(keyChecksum("qlk_live_x")).toMatch(/^[0-9A-Za-z]{6}$/);
  });
});

describe("isolate cache of unknown keys", () => {
  const row = (id: string): KeyRecord => ({ id, tenant_id: "tn_a", scope: "standard", end_user_id: "u1", max_spend_micros: null });

  it("a flood of one unknown key reaches D1 once per isolate, not once per request", async () => {
    const r = recordingEnv(null);
    const secret = newSecret("live");
    for (let i = 0; i < 50; i++) expect(await findKeyBySecret(r.env, r.ctx, secret)).toBeNull();
    expect(r.calls.filter((c) => c.startsWith("d1:"))).toHaveLength(1);
  });

  it("master routes (fresh reads) also skip D1 for a key known to be unknown", async () => {
    const r = recordingEnv(null);
    const secret = newSecret("live");
    for (let i = 0; i < 20; i++) expect(await findKeyBySecret(r.env, r.ctx, secret, { fresh: true })).toBeNull();
    expect(r.calls.filter((c) => c.startsWith("d1:"))).toHaveLength(1);
  });

  it("a revoke is immediate in the revoking isolate, without reading D1 again", async () => {
    const secret = newSecret("live");
    const r = recordingEnv(row("key_revoked_here"));
    expect(await findKeyBySecret(r.env, r.ctx, secret)).not.toBeNull();
    await forgetKey(r.env, hashSecret(secret), { revoked: true });
    r.calls.length = 0;
    // D1 here still answers the row (as a lagging copy would): the isolate must not ask it.
    expect(await findKeyBySecret(r.env, r.ctx, secret)).toBeNull();
    expect(await findKeyBySecret(r.env, r.ctx, secret, { fresh: true })).toBeNull();
    expect(r.calls.filter((c) => c.startsWith("d1:"))).toEqual([]);
  });

  it("a key the Wallet revoked is refused even while D1's copy still says active", async () => {
    const secret = newSecret("live");
    const r = recordingEnv(row("key_split"), true);
    expect(await findKeyBySecret(r.env, r.ctx, secret, { fresh: true })).toBeNull();
    expect(r.calls).toContain("wallet:keyState");
  });
});
