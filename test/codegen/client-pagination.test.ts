import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { paginationRules } from "../../codegen/emit/client-pagination";
import { readOperations } from "../../codegen/load/operations";

// The SDK's page-walking rules come from the OpenAPI document; a name that is not there fails gen.

const committed = (): Record<string, unknown> => parse(readFileSync(new URL("../../generated/openapi/openapi.yaml", import.meta.url), "utf8")) as Record<string, unknown>;
type Schemas = Record<string, { properties: Record<string, unknown>; required?: string[] }>;
const schemasOf = (doc: Record<string, unknown>) => (doc.components as { schemas: Schemas }).schemas;
const rulesOf = (doc: Record<string, unknown>) => paginationRules(doc, readOperations(doc));

describe("paginationRules", () => {
  it("derives exactly the four paginated lists and their cursors from the spec", () => {
    expect(Object.fromEntries(rulesOf(committed()))).toEqual({
      listThreads: { cursors: { "": { param: "after", next: "next_after" } } },
      listThreadMessages: {
        cursors: { asc: { param: "after_seq", next: "next_after_seq" }, desc: { param: "before_seq", next: "next_before_seq" } },
        order: { param: "order", default: "desc" },
      },
      listLedger: {
        cursors: { asc: { param: "after", next: "next_after" }, desc: { param: "before", next: "next_before" } },
        order: { param: "order", default: "asc" },
      },
      listRequests: { cursors: { "": { param: "after", next: "next_after" } } },
    });
  });

  it("fails when a page has has_more but no next_<query parameter>", () => {
    const doc = committed();
    delete schemasOf(doc).ThreadPage!.properties.next_after;
    expect(() => rulesOf(doc)).toThrow(/listThreads .*has has_more but no next_<p> field/);
  });

  it("fails when the ordered table names a cursor the page lacks", () => {
    const doc = committed();
    delete schemasOf(doc).ThreadMessagePage!.properties.next_before_seq;
    expect(() => rulesOf(doc)).toThrow(/listThreadMessages .*no cursor among after_seq for order=desc/);
  });

  it("fails when the ordered table names a list that no longer pages", () => {
    const doc = committed();
    delete schemasOf(doc).ThreadMessagePage!.properties.has_more;
    expect(() => rulesOf(doc)).toThrow(/names listThreadMessages, which is not a paginated list operation/);
  });

  it("fails when a second cursor appears on a list without an order rule", () => {
    const doc = committed();
    schemasOf(doc).RequestLogPage!.properties.next_limit = { type: "integer" };
    expect(() => rulesOf(doc)).toThrow(/listRequests .*several cursors \(limit, after\)/);
  });
});
