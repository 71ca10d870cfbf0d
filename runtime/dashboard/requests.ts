// The recent-requests page's rows. Until the request log's endpoint exists, they come from
// the wallet ledger (`GET /v1/wallet/ledger`): one charge per billed request, with its request
// id, key, model (the charge's note names it) and cost; status, provider and latency are not
// in the ledger and show as "—".
import type { RequestContext } from "../http/context";
import { callApi } from "./api";
import type { DashboardSession } from "./session";
import type { RequestRow } from "./views";

const SHOWN = 50;
const MAX_PAGES = 40;

/** The newest billed requests, newest first, and a sentence saying where they come from. */
export async function recentRequests(ctx: RequestContext, session: DashboardSession): Promise<{ rows: RequestRow[]; source: string }> {
  let after = 0;
  let kept: RequestRow[] = [];
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await callApi(ctx, session.key, "listLedger", { query: { limit: 500, after } });
    const charges = page.data
      .filter((e) => e.request_id !== null && (e.type === "charge" || e.type === "expired_charge"))
      .map(
        (e): RequestRow => ({
          request_id: e.request_id ?? e.ref,
          created_at: e.created_at,
          key_id: e.key_id,
          model: e.note === null ? null : (e.note.split(": ")[0] ?? null),
          status: e.type === "charge" ? "billed" : "expired reservation",
          provider: null,
          latency_ms: null,
          cost_micros: -e.amount_micros,
        }),
      );
    kept = [...kept, ...charges].slice(-SHOWN);
    if (!page.has_more || page.next_after === null) break;
    after = page.next_after;
  }
  return {
    rows: kept.reverse(),
    source: "The newest billed requests, from the wallet ledger (GET /v1/wallet/ledger): status, provider and latency are not recorded there.",
  };
}
