// codegen/load/bundle-schema.ts: @typespec/json-schema's one-file-per-type output (refs
// by file name, local $defs) → one self-contained document per root type.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { bundleSchema, flattenSchemas } from "../../codegen/load/bundle-schema";
import { FIXTURES, REPO } from "./support/temp-project";

type Schema = Record<string, unknown>;
const DRAFT = "https://json-schema.org/draft/2020-12/schema";

/** A small emitter-shaped set: Manifest → Tool → Request (+ a local $defs RecordString), Tool → Tool (recursion), and an unrelated type. */
function emitted(): Map<string, Schema> {
  const file = (id: string, body: Schema): [string, Schema] => [id, { $schema: DRAFT, $id: id, ...body }];
  return new Map([
    file("Manifest.json", {
      type: "object",
      properties: { id: { type: "string" }, tools: { type: "array", items: { $ref: "Tool.json" } }, headers: { $ref: "#/$defs/RecordString" } },
      required: ["id", "tools"],
      unevaluatedProperties: { not: {} },
      $defs: { RecordString: { type: "object", additionalProperties: { type: "string" } } },
    }),
    file("Tool.json", {
      type: "object",
      properties: { name: { type: "string", pattern: "^[a-z_]+$" }, request: { $ref: "Request.json" }, children: { type: "array", items: { $ref: "Tool.json" } } },
      required: ["name", "request"],
    }),
    file("Request.json", { type: "object", properties: { method: { enum: ["GET", "POST"] }, query: { $ref: "#/$defs/RecordString" } }, $defs: { RecordString: { type: "object", additionalProperties: { type: "string" } } } }),
    file("Unrelated.json", { type: "string" }),
  ]);
}

describe("flattenSchemas", () => {
  it("puts every type and local $def in one namespace, without $schema/$id/$defs", () => {
    const flat = flattenSchemas(emitted());
    expect([...flat.keys()].sort()).toEqual(["Manifest", "RecordString", "Request", "Tool", "Unrelated"]);
    for (const def of flat.values()) {
      expect(def).not.toHaveProperty("$schema");
      expect(def).not.toHaveProperty("$id");
      expect(def).not.toHaveProperty("$defs");
    }
  });

  it("rewrites file refs (X.json) to #/$defs/X and keeps local refs", () => {
    const flat = flattenSchemas(emitted());
    expect(flat.get("Manifest")).toMatchObject({
      properties: { tools: { items: { $ref: "#/$defs/Tool" } }, headers: { $ref: "#/$defs/RecordString" } },
    });
    expect(flat.get("Tool")).toMatchObject({ properties: { request: { $ref: "#/$defs/Request" }, children: { items: { $ref: "#/$defs/Tool" } } } });
  });

  it("accepts the same local $def emitted twice, but refuses two different schemas with one name", () => {
    expect(() => flattenSchemas(emitted())).not.toThrow(); // RecordString comes from two files, identical
    const clash = emitted();
    clash.set("Other.json", { $id: "Other.json", type: "object", $defs: { RecordString: { type: "object", additionalProperties: { type: "number" } } } });
    expect(() => flattenSchemas(clash)).toThrow("two different JSON Schemas are both named RecordString");
  });

  it("does not modify its input", () => {
    const input = emitted();
    const copy = structuredClone([...input]);
    flattenSchemas(input);
    expect([...input]).toEqual(copy);
  });
});

describe("bundleSchema", () => {
  const bundled = () => bundleSchema(emitted(), "Manifest.json", "https://example.test/manifest.schema.json", "Manifest");

  it("is one draft 2020-12 document: the root's keywords at top level, with the new $id and title", () => {
    const b = bundled();
    expect(b).toMatchObject({ $schema: DRAFT, $id: "https://example.test/manifest.schema.json", title: "Manifest", type: "object", required: ["id", "tools"] });
    expect(Object.keys(b).slice(0, 3)).toEqual(["$schema", "$id", "title"]);
  });

  it("holds exactly the definitions the root reaches, transitively, sorted; not the root itself", () => {
    expect(Object.keys(bundled().$defs as Schema)).toEqual(["RecordString", "Request", "Tool"]);
  });

  it("compiles with Ajv2020 (no dangling refs) and validates nested and recursive data", () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(bundled());
    const tool = { name: "get", request: { method: "GET", query: { a: "1" } }, children: [{ name: "child", request: { method: "POST" } }] };
    expect(validate({ id: "x", tools: [tool], headers: { Accept: "x" } })).toBe(true);
    expect(validate({ id: "x", tools: [{ ...tool, children: [{ name: "Bad-Name", request: { method: "GET" } }] }] })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe("/tools/0/children/0/name");
    expect(validate({ id: "x", tools: [], extra: 1 })).toBe(false);
    expect(validate({ id: "x", tools: [], headers: { n: 1 } })).toBe(false);
  });

  it("a root that refers to itself is not copied into $defs", () => {
    const b = bundleSchema(emitted(), "Tool.json", "t", "Tool");
    expect(Object.keys(b.$defs as Schema)).toEqual(["RecordString", "Request"]);
  });

  it("throws for a root that was not emitted, and for a ref to a missing type", () => {
    expect(() => bundleSchema(emitted(), "Nope.json", "n", "Nope")).toThrow("JSON Schema Nope.json was not emitted");
    const dangling = emitted();
    dangling.set("Request.json", { $id: "Request.json", type: "object", properties: { auth: { $ref: "Auth.json" } } });
    expect(() => bundleSchema(dangling, "Manifest.json", "m", "M")).toThrow("Manifest.json refers to Auth, which was not emitted");
  });
});

describe("the bundled connector-manifest schema in generated/", () => {
  it("compiles on its own and tells the valid fixture from an invalid one", async () => {
    const schema = JSON.parse(await readFile(join(REPO, "generated/schemas/connector-manifest.schema.json"), "utf8")) as Schema;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const load = async (rel: string) => parse(await readFile(join(FIXTURES, rel), "utf8")) as unknown;
    expect(validate(await load("valid/sentry.yaml"))).toBe(true);
    expect(validate(await load("invalid/unknown-auth-mode.yaml"))).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain("/auth/mode");
  });
});
