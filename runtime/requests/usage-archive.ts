// The raw usage archive in R2 (binding ARCHIVE): each tenant's usage events of one UTC day as one
// NDJSON object, usage/<tenant>/<YYYY-MM-DD>.ndjson, one event per line, oldest first — so
// billing can be audited after the request log (30 days) is gone.
//
// R2 objects are immutable, so a day is written whole, from D1's usage_events, once it is over:
// the daily job visits the last LOOKBACK_DAYS full days and (re)writes a tenant's day only when
// the object is missing or its metadata (event count and cost) disagrees with D1 — a usage row
// that reached D1 late (the Wallet's outbox copies in batches, retried) is picked up by the next
// run, and a rerun writes nothing twice. The object's customMetadata holds the count and cost
// sum it was written from, so an auditor can check it against the ledger.
//
// End users appear only as their one-way pseudonym (`end_user_pseudonym`, the erase's
// "erased_…" hash of tenant and id): an object is never rewritten when an end user is erased
// later, so it must not hold their id. An auditor matches a user by computing it
// (db/erased-end-users.ts endUserPseudonym).
import { endUserPseudonym } from "../db/erased-end-users";
import { usageEventsInWindow, usageTenantsInWindow } from "../db/usage-events";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Full UTC days re-checked each run: yesterday and the two before (rows that reached D1 late). */
export const LOOKBACK_DAYS = 3;
/** Rows read from D1 at a time. */
const PAGE = 1000;
/** R2 multipart parts must be at least 5 MiB (but the last): an object above this goes in parts of it. */
const PART_BYTES = 8 * 1024 * 1024;
/** What endUserPseudonym returns. */
const PSEUDONYM = /^erased_[0-9a-f]{32}$/;

export interface ArchiveReport {
  /** Objects written (new days, or days whose D1 rows changed). */
  written: number;
  /** Tenant-days already archived with the same count and cost. */
  unchanged: number;
  /** Events in the objects written. */
  events: number;
  /** Tenant-days that failed (logged; the next run retries). */
  errors: number;
}

/** The object key of a tenant's day. */
export function archiveKey(tenantId: string, day: string): string {
  return `usage/${tenantId}/${day}.ndjson`;
}

/** `YYYY-MM-DD` (UTC) of an epoch-ms instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Archives the LOOKBACK_DAYS full UTC days before `now`'s day. */
export async function archiveUsage(env: Env, now: number, lookbackDays = LOOKBACK_DAYS): Promise<ArchiveReport> {
  const report: ArchiveReport = { written: 0, unchanged: 0, events: 0, errors: 0 };
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  for (let d = lookbackDays; d >= 1; d--) {
    const fromMs = today - d * DAY_MS;
    const window = { fromMs, toMs: fromMs + DAY_MS };
    for (const t of await usageTenantsInWindow(env.DB, window.fromMs, window.toMs)) {
      try {
        const key = archiveKey(t.tenant_id, utcDay(fromMs));
        const meta = { events: String(t.events), cost_micros: String(t.cost_micros) };
        const head = await env.ARCHIVE.head(key);
        if (head?.customMetadata?.events === meta.events && head.customMetadata.cost_micros === meta.cost_micros) {
          report.unchanged++;
          continue;
        }
        const written = await writeDay(env, t.tenant_id, window, key, meta);
        report.written++;
        report.events += written;
      } catch (e) {
        report.errors++;
        console.error(JSON.stringify({ job: "usage.archive", tenant_id: t.tenant_id, day: utcDay(fromMs), error: (e as Error).message }));
      }
    }
  }
  return report;
}

/** Writes one tenant's day; returns the events written. */
async function writeDay(env: Env, tenantId: string, window: { fromMs: number; toMs: number }, key: string, meta: Record<string, string>): Promise<number> {
  const out = new ObjectWriter(env.ARCHIVE, key, { contentType: "application/x-ndjson" }, meta);
  const pseudonyms = new Map<string, string>();
  let after: { createdAt: number; requestId: string } | undefined;
  let events = 0;
  for (;;) {
    const rows = await usageEventsInWindow(env.DB, tenantId, window, after, PAGE);
    for (const r of rows) {
      const { end_user_id, ...rest } = r;
      let pseudonym: string | null = null;
      if (typeof end_user_id === "string") {
        // A row already pseudonymized by an erase keeps its pseudonym as it is.
        pseudonym = PSEUDONYM.test(end_user_id) ? end_user_id : (pseudonyms.get(end_user_id) ?? (await endUserPseudonym(tenantId, end_user_id)));
        pseudonyms.set(end_user_id, pseudonym);
      }
      await out.write(`${JSON.stringify({ ...rest, end_user_pseudonym: pseudonym })}\n`);
      events++;
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) break;
    after = { createdAt: Number(last.created_at), requestId: String(last.request_id) };
  }
  await out.close();
  return events;
}

/** Text into one R2 object: a single put when it fits one part, a multipart upload otherwise. */
export class ObjectWriter {
  private readonly encoder = new TextEncoder();
  private chunks: Uint8Array[] = [];
  private size = 0;
  private upload: R2MultipartUpload | undefined;
  private readonly parts: R2UploadedPart[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly httpMetadata: R2HTTPMetadata,
    private readonly customMetadata: Record<string, string>,
    private readonly partBytes = PART_BYTES,
  ) {}

  async write(text: string): Promise<void> {
    const bytes = this.encoder.encode(text);
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
    while (this.size >= this.partBytes) await this.sendPart(this.partBytes);
  }

  async close(): Promise<void> {
    if (!this.upload) {
      await this.bucket.put(this.key, this.joined(), { httpMetadata: this.httpMetadata, customMetadata: this.customMetadata });
      return;
    }
    try {
      if (this.size > 0) await this.sendPart(this.size);
      await this.upload.complete(this.parts);
    } catch (e) {
      await this.upload.abort().catch(() => {});
      throw e;
    }
  }

  /** Sends the first `bytes` buffered as the next part (R2 wants every part but the last the same size). */
  private async sendPart(bytes: number): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, { httpMetadata: this.httpMetadata, customMetadata: this.customMetadata });
    const all = this.joined();
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, all.subarray(0, bytes)));
    const rest = all.subarray(bytes);
    this.chunks = rest.byteLength > 0 ? [rest] : [];
    this.size = rest.byteLength;
  }

  private joined(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}
