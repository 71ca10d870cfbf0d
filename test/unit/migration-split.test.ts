import { describe, expect, it } from "vitest";
import { migrationStatements, splitStatements } from "../support/local-worker";

// The node-side migration runner (test/support/local-worker.ts, used by e2e tests and
// benchmarks) must cut a migration exactly where D1 would.
describe("splitStatements", () => {
  it("keeps a trigger body, a CASE and a quoted `;` inside their statement", () => {
    const sql = `CREATE TABLE a (x TEXT DEFAULT ';', end_user_id TEXT);
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  INSERT INTO b VALUES (CASE WHEN new.x = 'y' THEN 1 ELSE 2 END);
  DELETE FROM c WHERE "weird;name" = 1;
END;
SELECT 1`;
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x TEXT DEFAULT ';', end_user_id TEXT)",
      `CREATE TRIGGER t AFTER INSERT ON a BEGIN
  INSERT INTO b VALUES (CASE WHEN new.x = 'y' THEN 1 ELSE 2 END);
  DELETE FROM c WHERE "weird;name" = 1;
END`,
      "SELECT 1",
    ]);
  });

  it("splits every shipped migration into statements that each start with a keyword", async () => {
    const statements = await migrationStatements();
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) expect(s).toMatch(/^(CREATE|INSERT|ALTER|DROP|UPDATE|DELETE)\b/i);
  });
});
