import { describe, expect, it } from "vitest";
import { TtlCache } from "../../../runtime/auth/ttl-cache";

describe("TtlCache", () => {
  it("forgets an entry once its time to live has passed", () => {
    let now = 1_000;
    const cache = new TtlCache<string>(60_000, 10, () => now);
    cache.set("a", "x");
    now += 59_999;
    expect(cache.get("a")).toBe("x");
    now += 1;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("a flood of new keys stays within the bound and pushes out the oldest, not everything", () => {
    const cache = new TtlCache<number>(60_000, 100);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(100);
    expect(cache.get("k9999")).toBe(9999);
    expect(cache.get("k9900")).toBe(9900);
    expect(cache.get("k9899")).toBeUndefined();
  });

  it("a refreshed entry is evicted last", () => {
    const cache = new TtlCache<number>(60_000, 3);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    cache.set("a", 4);
    cache.set("d", 5);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(4);
  });
});
