// The admin routes declare their own credential (issue 20): in the OpenAPI every operation that
// takes the operator's ADMIN_TOKEN says so with the AdminTokenAuth scheme, and no other does.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type Op = { operationId: string; security?: Record<string, string[]>[]; "x-gatehouse-auth"?: string };

describe("the OpenAPI's admin security scheme", () => {
  it("AdminTokenAuth is a Bearer scheme, on exactly the admin operations", async () => {
    const doc = parse(await readFile(new URL("../../../generated/openapi/openapi.yaml", import.meta.url), "utf8")) as {
      paths: Record<string, Record<string, Op>>;
      components: { securitySchemes: Record<string, { type: string; scheme?: string; description?: string }>; schemas: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.AdminTokenAuth).toMatchObject({ type: "http", scheme: "Bearer" });
    expect(doc.components.securitySchemes.AdminTokenAuth?.description).toContain("ADMIN_TOKEN");
    expect(doc.components.schemas.AdminTokenAuth).toBeUndefined();
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    const admin = ops.filter((o) => o["x-gatehouse-auth"] === "admin");
    expect(admin.map((o) => o.operationId).sort()).toEqual(["adminCreateTenant", "adminCreditTenant", "adminResealVault"]);
    for (const o of admin) expect(o.security, o.operationId).toEqual([{ AdminTokenAuth: [] }]);
    for (const o of ops.filter((o) => o["x-gatehouse-auth"] !== "admin")) expect(JSON.stringify(o.security ?? []), o.operationId).not.toContain("AdminTokenAuth");
  });
});
