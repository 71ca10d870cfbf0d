// The dashboard's numbers for people: money from micro-dollars, counts, relative times.
import { describe, expect, it } from "vitest";
import { exactTime, formatCount, formatUsd, relativeTime, timeHtml } from "../../../runtime/dashboard/format";
import { fillDays } from "../../../runtime/dashboard/chart";

describe("formatUsd", () => {
  it("whole cents as cents, with thousands separators", () => {
    expect(formatUsd(1_234_560_000)).toBe("$1,234.56");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(5_000_000)).toBe("$5.00");
    expect(formatUsd(-1_250_000)).toBe("-$1.25");
  });
  it("finer amounts exactly, up to six decimals: a tiny charge is not $0.00, a balance is not rounded", () => {
    expect(formatUsd(1230)).toBe("$0.00123");
    expect(formatUsd(-19)).toBe("-$0.000019");
    expect(formatUsd(99_999_814)).toBe("$99.999814");
    expect(formatUsd(1_000_000_000_500)).toBe("$1,000,000.0005");
  });
});

describe("counts and times", () => {
  it("thousands separators", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(0)).toBe("0");
  });
  it("relative time, past and future, and the date beyond 60 days", () => {
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    expect(relativeTime(now - 20_000, now)).toBe("just now");
    expect(relativeTime(now - 3 * 60_000, now)).toBe("3 min ago");
    expect(relativeTime(now - 5 * 3_600_000, now)).toBe("5 h ago");
    expect(relativeTime(now - 86_400_000, now)).toBe("1 day ago");
    expect(relativeTime(now - 3 * 86_400_000, now)).toBe("3 days ago");
    expect(relativeTime(now + 4 * 3_600_000, now)).toBe("in 4 h");
    expect(relativeTime(now - 90 * 86_400_000, now)).toBe("2026-09-08");
  });
  it("a <time> element: the relative text, the exact UTC time in its title", () => {
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    const at = now - 3 * 60_000;
    expect(exactTime(at)).toBe("2026-12-07 11:57:00 UTC");
    expect(timeHtml(at, now)).toBe(`<time datetime="2026-12-07T11:57:00.000Z" title="2026-12-07 11:57:00 UTC">3 min ago</time>`);
  });
});

describe("fillDays", () => {
  it("every UTC day of the window, days without requests as zero", () => {
    const from = Date.UTC(2026, 11, 1, 15);
    const to = Date.UTC(2026, 11, 4, 1);
    expect(fillDays([{ day: "2026-12-02", micros: 7 }], from, to)).toEqual([
      { day: "2026-12-01", micros: 0 },
      { day: "2026-12-02", micros: 7 },
      { day: "2026-12-03", micros: 0 },
      { day: "2026-12-04", micros: 0 },
    ]);
  });
});
