// The raw usage archive (issue 20): the daily job writes each tenant's usage events of a UTC day
// to R2 as usage/<tenant>/<YYYY-MM-DD>.ndjson — exactly those events, end users as pseudonyms —
// and a rerun writes nothing twice; a row that reached D1 late rewrites its day, still once each.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { endUserPseudonym } from "../../runtime/db/erased-end-users";
import { copyUsageEvents } from "../../runtime/db/usage-events";
import { groupBy } from "../../runtime/group-by";
import { archiveKey, archiveUsage, ObjectWriter } from "../../runtime/requests/usage-archive";
import { runDailyJob } from "../../runtime/threads/daily-job";
import type { UsageEvent } from "../../runtime/wallet/usage-outbox";
import { usageEvent } from "./support/money";
import { seedTenant } from "./support/seed";

const DAY = 86_400_000;

async function lines(key: string): Promise<Record<string, unknown>[]> {
  const obj = await env.ARCHIVE.get(key);
  if (!obj) throw new Error(`no object ${key}`);
  const text = await obj.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function seed(rows: UsageEvent[]): Promise<void> {
  for (const [tenant, mine] of groupBy(rows, (r) => r.tenant_id)) await copyUsageEvents(env.DB, tenant, mine);
}

describe("the R2 usage archive", () => {
  it("writes each tenant's day as NDJSON holding exactly that day's events; a rerun writes nothing; a late row rewrites the day once", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    const day = Date.UTC(2025, 2, 10); // 2025-03-10
    const now = day + DAY + 3 * 3_600_000; // the next day, 03:00 UTC
    const ev = (tenant: string, at: number, fields: Partial<UsageEvent> = {}) => usageEvent({ tenant_id: tenant, created_at: at, ...fields });
    const aDay = [
      ev(a.tenantId, day + 1000, { end_user_id: "bob", cost_micros: 100, overshoot_micros: 7 }),
      ev(a.tenantId, day + 5000, { cost_micros: 200 }),
      ev(a.tenantId, day + DAY - 1, { end_user_id: "bob", cost_micros: 300 }),
    ];
    const bDay = [ev(b.tenantId, day + 2000, { cost_micros: 50 })];
    const outside = [ev(a.tenantId, day - 1), ev(a.tenantId, day + DAY), ev(a.tenantId, day - 10 * DAY)];
    await seed([...aDay, ...bDay, ...outside]);

    const first = await archiveUsage(env, now);
    expect(first.errors).toBe(0);
    const keyA = archiveKey(a.tenantId, "2025-03-10");
    expect(keyA).toBe(`usage/${a.tenantId}/2025-03-10.ndjson`);
    const got = await lines(keyA);
    expect(got.map((l) => l.request_id)).toEqual(aDay.map((e) => e.request_id));
    const bob = await endUserPseudonym(a.tenantId, "bob");
    expect(got[0]).toEqual({ ...aDay[0], end_user_id: undefined, end_user_pseudonym: bob });
    expect(got[1]).toMatchObject({ end_user_pseudonym: null, cost_micros: 200 });
    expect(JSON.stringify(got)).not.toContain('"bob"');
    expect((await lines(archiveKey(b.tenantId, "2025-03-10"))).map((l) => l.request_id)).toEqual([bDay[0]?.request_id]);
    const head = await env.ARCHIVE.head(keyA);
    expect(head?.customMetadata).toEqual({ events: "3", cost_micros: "600" });
    expect(head?.httpMetadata?.contentType).toBe("application/x-ndjson");
    // The day before was in the lookback too: its one row got its own object; the current day none.
    expect((await lines(archiveKey(a.tenantId, "2025-03-09"))).map((l) => l.request_id)).toEqual([outside[0]?.request_id]);
    expect(await env.ARCHIVE.head(archiveKey(a.tenantId, "2025-03-11"))).toBeNull();

    // Rerun: nothing rewritten, the object as it was.
    const second = await archiveUsage(env, now);
    expect(second.written).toBe(0);
    expect(second.unchanged).toBeGreaterThanOrEqual(3);
    expect((await env.ARCHIVE.head(keyA))?.etag).toBe(head?.etag);
    expect(await lines(keyA)).toHaveLength(3);

    // A row of that day reaches D1 late (the outbox retried): the next run rewrites the day, each event once.
    const late = ev(a.tenantId, day + 3000, { cost_micros: 1 });
    await seed([late]);
    const third = await archiveUsage(env, now + DAY); // the day is still within the lookback
    expect(third.written).toBeGreaterThanOrEqual(1);
    expect((await lines(keyA)).map((l) => l.request_id)).toEqual([aDay[0], late, aDay[1], aDay[2]].map((e) => e?.request_id));
    expect((await env.ARCHIVE.head(keyA))?.customMetadata).toEqual({ events: "4", cost_micros: "601" });
  });

  it("runs in the daily job and says what it wrote", async () => {
    const t = await seedTenant();
    const day = Date.UTC(2025, 5, 1);
    await seed([usageEvent({ tenant_id: t.tenantId, created_at: day + 10 })]);
    const report = await runDailyJob(env, day + DAY + 1000);
    expect(report.archived_usage_objects).toBeGreaterThanOrEqual(1);
    expect(report.archived_usage_events).toBeGreaterThanOrEqual(1);
    expect(report.errors).toBe(0);
    expect(await lines(archiveKey(t.tenantId, "2025-06-01"))).toHaveLength(1);
    expect((await runDailyJob(env, day + DAY + 2000)).archived_usage_objects).toBe(0);
  });

  it("an object larger than a part goes up as a multipart upload, byte for byte", async () => {
    const partBytes = 5 * 1024 * 1024;
    const w = new ObjectWriter(env.ARCHIVE, "usage/test/multipart.ndjson", { contentType: "application/x-ndjson" }, { events: "x" }, partBytes);
    const line = `${JSON.stringify({ pad: "x".repeat(1000) })}\n`;
    const count = Math.ceil((2.5 * partBytes) / line.length);
    for (let i = 0; i < count; i++) await w.write(line);
    await w.close();
    const obj = await env.ARCHIVE.get("usage/test/multipart.ndjson");
    expect(obj?.size).toBe(count * line.length);
    expect(obj?.customMetadata).toEqual({ events: "x" });
    const text = (await obj?.text()) ?? "";
    expect(text.split("\n").filter(Boolean)).toHaveLength(count);
    expect(text.endsWith(line)).toBe(true);
  });
});
