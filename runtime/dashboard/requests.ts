// The recent-requests page's rows: the newest page of the request log, `GET /v1/requests`
// (runtime/requests), through its own handler. Rows are written just after each request ends,
// so the newest may take a moment to appear.
import type { RequestContext } from "../http/context";
import { callApi } from "./api";
import type { DashboardSession } from "./session";
import type { RequestRow } from "./views";

/** How many requests the page shows. */
export const REQUESTS_SHOWN = 50;

/** The newest requests, newest first, and a sentence saying where they come from. */
export async function recentRequests(ctx: RequestContext, session: DashboardSession): Promise<{ rows: RequestRow[]; sourceHtml: string }> {
  const page = await callApi(ctx, session.key, "listRequests", { query: { limit: REQUESTS_SHOWN } });
  const rows = page.data.map(
    (r): RequestRow => ({
      request_id: r.id,
      created_at: r.created_at,
      key_id: r.key_id,
      model: r.model,
      status: r.streamed ? `${r.status} (stream)` : String(r.status),
      provider: r.provider,
      latency_ms: r.latency_ms,
      cost_micros: r.cost_micros,
    }),
  );
  const more = page.has_more ? ` The newest ${REQUESTS_SHOWN} of the last 30 days.` : "";
  return { rows, sourceHtml: `Gateway requests of the last 30 days, newest first, from <code>GET /v1/requests</code>.${more}` };
}
