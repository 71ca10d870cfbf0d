import { describe, expect, it } from "vitest";
import type { KeyRecord } from "../../../runtime/db/api-keys";
import { ApiError } from "../../../runtime/errors";
import { checkMayReadKeyUsage, settleScopeFor } from "../../../runtime/keys/key-access";

const key = (scope: KeyRecord["scope"], id = "key_me"): KeyRecord => ({ id, tenant_id: "t", scope, end_user_id: null, max_spend_micros: null });

describe("what a key may read", () => {
  it("a master key reads any key's usage in its tenant", () => {
    expect(() => checkMayReadKeyUsage(key("master"), "key_other")).not.toThrow();
  });

  it("a standard key reads its own usage only, and is refused with 403 for any other id", () => {
    expect(() => checkMayReadKeyUsage(key("standard"), "key_me")).not.toThrow();
    let err: unknown;
    try {
      checkMayReadKeyUsage(key("standard"), "key_other");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).message).toMatch(/only its own usage/);
  });

  it("a master key's read settles the tenant's queued charges, a standard key's only its own", () => {
    expect(settleScopeFor(key("master"))).toEqual({ kind: "tenant" });
    expect(settleScopeFor(key("standard", "key_e"))).toEqual({ kind: "key", keyId: "key_e" });
  });
});
