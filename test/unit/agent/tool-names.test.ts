// Wire names of catalog tools: `<connector>__<tool>` is what providers accept, and it maps back
// to exactly the `<connector>/<tool>` it came from, for every tool of every connector.
import { describe, expect, it } from "vitest";
import { manifests } from "../../../generated/connectors/catalog";
import { fromWireName, isWireName, realToolName, toWireName, WIRE_NAME } from "../../../runtime/agent/tool-names";

describe("wire names", () => {
  it("every catalog tool has a valid wire name that maps back to it", () => {
    let count = 0;
    for (const m of Object.values(manifests)) {
      for (const t of m.tools) {
        const real = `${m.id}/${t.name}`;
        const wire = toWireName(real);
        expect(wire, real).not.toBeNull();
        expect(WIRE_NAME.test(wire!), wire!).toBe(true);
        expect(fromWireName(wire!)).toBe(real);
        expect(realToolName(wire!)).toBe(real);
        count += 1;
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  it("a hyphenated connector and a tool name holding __ still map back exactly", () => {
    expect(toWireName("help-scout/list_conversations")).toBe("help-scout__list_conversations");
    expect(fromWireName("help-scout__list_conversations")).toBe("help-scout/list_conversations");
    expect(fromWireName("linear__odd__name")).toBe("linear/odd__name");
    expect(toWireName("linear/odd__name")).toBe("linear__odd__name");
  });

  it("refuses what is not a tool name on the wire", () => {
    for (const bad of ["", "linear/create_issue", "has space", "dot.name", "é", "x".repeat(65)]) expect(isWireName(bad), bad).toBe(false);
    for (const good of ["a", "qlaud_search_tools", "linear__create_issue", "my-tool", "x".repeat(64)]) expect(isWireName(good), good).toBe(true);
    // Not `<connector>__<tool>`: no separator, an empty side, an upper-case or underscored connector id.
    for (const bad of ["create_issue", "__create_issue", "linear__", "Linear__create_issue", "my_app__tool", "linear/create_issue"]) expect(fromWireName(bad), bad).toBeNull();
    // A wire name over 64 characters cannot be made.
    expect(toWireName(`linear/${"x".repeat(60)}`)).toBeNull();
    expect(toWireName("create_issue")).toBeNull();
    expect(toWireName("linear/")).toBeNull();
  });

  it("realToolName maps only known connectors' wire names (a webhook tool may hold __ too)", () => {
    expect(realToolName("linear/create_issue")).toBe("linear/create_issue");
    expect(realToolName("send__mail")).toBe("send__mail");
    expect(realToolName("notify_team")).toBe("notify_team");
  });
});
