import { expect, it } from "vitest";
import { groupBy } from "../../runtime/group-by";

it("groups items by key, each group in the items' order, holding the picked value", () => {
  const rows = [
    { tenant_id: "a", id: "1" },
    { tenant_id: "b", id: "2" },
    { tenant_id: "a", id: "3" },
  ];
  expect([...groupBy(rows, (r) => r.tenant_id, (r) => r.id)]).toEqual([
    ["a", ["1", "3"]],
    ["b", ["2"]],
  ]);
  expect(groupBy(rows, (r) => r.tenant_id).get("a")).toEqual([rows[0], rows[2]]);
  expect(groupBy([], (r: { k: string }) => r.k).size).toBe(0);
});
