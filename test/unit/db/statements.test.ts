import { describe, expect, it } from "vitest";
import { keyInsert, type KeyRow } from "../../../runtime/db/api-keys";
import { sqlLiteral, sqlScript } from "../../../runtime/db/statements";
import { tenantWithMasterKey } from "../../../runtime/db/tenants";

const key: KeyRow = {
  id: "key_1",
  hash: "ab".repeat(32),
  prefix: "qlk_test_abcd",
  name: "o'brien",
  scope: "master",
  end_user_id: null,
  max_spend_micros: null,
  created_at: 1_700_000_000_000,
  last_used_at: null,
  revoked_at: null,
};

describe("sqlLiteral", () => {
  it("quotes strings with their quotes doubled, writes numbers and NULL as they are", () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral("'; DROP TABLE tenants; --")).toBe("'''; DROP TABLE tenants; --'");
    expect(sqlLiteral(42)).toBe("42");
    expect(sqlLiteral(null)).toBe("NULL");
  });

  it("refuses a number SQLite has no literal for", () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(/NaN/);
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
  });
});

describe("sqlScript", () => {
  it("writes each parameter in place of its placeholder, one statement a line", () => {
    expect(sqlScript([{ sql: "INSERT INTO t (a, b) VALUES (?, ?)", params: ["x'y", 3] }, { sql: "DELETE FROM t WHERE a = ?", params: [null] }])).toBe(
      "INSERT INTO t (a, b) VALUES ('x''y', 3);\nDELETE FROM t WHERE a = NULL;",
    );
  });

  it("refuses a statement whose placeholders and parameters do not match", () => {
    expect(() => sqlScript([{ sql: "SELECT ?", params: [] }])).toThrow(/1 placeholders and 0 parameters/);
  });
});

describe("tenantWithMasterKey", () => {
  const tenant = { id: "acme", name: "Acme", created_at: 1_700_000_000_000 };

  it("writes the tenant, then its master key in that tenant", () => {
    const [t, k] = tenantWithMasterKey(tenant, key, "fail");
    expect(t).toEqual({ sql: "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)", params: ["acme", "Acme", 1_700_000_000_000] });
    expect(k?.params.slice(0, 2)).toEqual(["key_1", "acme"]);
    expect(k?.sql).not.toMatch(/ON CONFLICT/);
  });

  it("re-seeds: keeps an existing tenant, gives its key the new secret and un-revokes it, only within the tenant", () => {
    const [t, k] = tenantWithMasterKey(tenant, key, "reseed");
    expect(t?.sql).toMatch(/ON CONFLICT\(id\) DO NOTHING$/);
    expect(k?.sql).toMatch(/DO UPDATE SET hash = excluded.hash, prefix = excluded.prefix, revoked_at = NULL WHERE api_keys.tenant_id = excluded.tenant_id$/);
  });

  it("renders as a script every statement of which has its parameters", () => {
    const script = sqlScript(tenantWithMasterKey(tenant, key, "reseed"));
    expect(script).toContain("VALUES ('key_1', 'acme', '" + "ab".repeat(32) + "', 'qlk_test_abcd', 'o''brien', 'master', NULL, NULL, 1700000000000)");
    expect(script).not.toContain("?");
  });
});

describe("keyInsert", () => {
  it("binds the key to the tenant given, whatever the row says", () => {
    expect(keyInsert("t1", key, "fail").params).toEqual(["key_1", "t1", "ab".repeat(32), "qlk_test_abcd", "o'brien", "master", null, null, 1_700_000_000_000]);
  });
});
