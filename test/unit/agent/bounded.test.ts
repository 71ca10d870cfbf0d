// mapBounded: never more than `limit` calls in flight, every item once, results in input order
// whatever order the calls finish in.
import { expect, it } from "vitest";
import { mapBounded } from "../../../runtime/agent/bounded";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("keeps at most limit in flight and answers in input order", async () => {
  let running = 0;
  let peak = 0;
  const delays = [30, 5, 20, 1, 15, 2, 10];
  const out = await mapBounded(delays, 3, async (ms, i) => {
    peak = Math.max(peak, ++running);
    await sleep(ms);
    running--;
    return `${i}:${ms}`;
  });
  expect(peak).toBe(3);
  expect(out).toEqual(delays.map((ms, i) => `${i}:${ms}`));
});

it("an empty list calls nothing; a limit below 1 still runs one at a time", async () => {
  expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  let peak = 0;
  let running = 0;
  const out = await mapBounded([1, 2, 3], 0, async (n) => {
    peak = Math.max(peak, ++running);
    await sleep(1);
    running--;
    return n * 2;
  });
  expect(out).toEqual([2, 4, 6]);
  expect(peak).toBe(1);
});
