// The dashboard's pages as pure functions of the API's JSON (ApiBody<…>) and the time: usage,
// keys, wallet, requests, end users, and the sign-in form. Numbers are formatted for people
// (format.ts); every API value is escaped. Tables carry ids so tests can read them back.
import { escapeHtml } from "../connect/html";
import type { ApiBody } from "./api";
import { costChart, fillDays } from "./chart";
import { formatCount, formatUsd, timeHtml } from "./format";
import { csrfField, plainPage } from "./layout";

type UsageReport = ApiBody<"getUsage">;
type ApiKey = ApiBody<"listKeys">["data"][number];
type KeyUsage = ApiBody<"getKeyUsage">;
type WalletBalance = ApiBody<"getWallet">;
type LedgerEntry = ApiBody<"listLedger">["data"][number];
type Connection = ApiBody<"listConnections">["data"][number];
type Thread = ApiBody<"listThreads">["data"][number];

interface Column {
  label: string;
  num?: boolean;
}

/** A table with a caption and header cells; `rows` are already-escaped HTML cells. */
function table(id: string, caption: string, columns: readonly Column[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted" id="${id}-empty">${escapeHtml(empty)}</p>`;
  const head = columns.map((c) => `<th scope="col"${c.num ? ` class="num"` : ""}>${escapeHtml(c.label)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((cell, i) => `<td${columns[i]?.num ? ` class="num"` : ""}>${cell}</td>`).join("")}</tr>`)
    .join("");
  return `<table id="${id}"><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const text = (s: string | null | undefined, fallback = "—") => escapeHtml(s ?? fallback);
const usd = (micros: number) => escapeHtml(formatUsd(micros));
const count = (n: number) => escapeHtml(formatCount(n));

function cards(items: ReadonlyArray<{ id: string; label: string; value: string }>): string {
  return `<ul class="cards">${items.map((c) => `<li><span class="label">${escapeHtml(c.label)}</span><span class="value" id="${c.id}">${escapeHtml(c.value)}</span></li>`).join("")}</ul>`;
}

/** Spend per end user, from the per-key rows (a key acts for at most one end user); most expensive first. */
export function spendByEndUser(report: UsageReport): Array<{ end_user_id: string; requests: number; cost_micros: number }> {
  const sums = new Map<string, { requests: number; cost_micros: number }>();
  for (const k of report.by_key) {
    if (k.end_user_id === null) continue;
    const s = sums.get(k.end_user_id) ?? { requests: 0, cost_micros: 0 };
    s.requests += k.requests;
    s.cost_micros += k.cost_micros;
    sums.set(k.end_user_id, s);
  }
  return [...sums.entries()]
    .map(([end_user_id, s]) => ({ end_user_id, ...s }))
    .sort((a, b) => b.cost_micros - a.cost_micros || a.end_user_id.localeCompare(b.end_user_id));
}

const endUserLink = (id: string) => `<a href="/dashboard/end-users?end_user_id=${encodeURIComponent(id)}">${escapeHtml(id)}</a>`;

export function usageBody(report: UsageReport, keyNames: ReadonlyMap<string, string>): string {
  const t = report.totals;
  const days = fillDays(
    report.by_day.map((d) => ({ day: d.day, micros: d.cost_micros })),
    report.from_ms,
    report.to_ms,
  );
  const endUsers = spendByEndUser(report);
  return (
    `<p class="muted">The last 30 days, from <code>GET /v1/usage</code>.</p>` +
    cards([
      { id: "total-requests", label: "Requests", value: formatCount(t.requests) },
      { id: "total-input", label: "Input tokens", value: formatCount(t.input_tokens) },
      { id: "total-output", label: "Output tokens", value: formatCount(t.output_tokens) },
      { id: "total-cost", label: "Cost", value: formatUsd(t.cost_micros) },
      { id: "total-overshoots", label: "Overshoots", value: formatCount(t.overshoots) },
    ]) +
    `<h2>Cost per day</h2>` +
    costChart(days, "Cost per UTC day, last 30 days") +
    table(
      "by-day",
      "Usage per UTC day (days with requests)",
      [{ label: "Day" }, { label: "Requests", num: true }, { label: "Input tokens", num: true }, { label: "Output tokens", num: true }, { label: "Cost", num: true }],
      report.by_day.map((d) => [text(d.day), count(d.requests), count(d.input_tokens), count(d.output_tokens), usd(d.cost_micros)]),
      "No requests in the last 30 days.",
    ) +
    `<h2>By model</h2>` +
    table(
      "by-model",
      "Usage per model, most expensive first",
      [{ label: "Model" }, { label: "Requests", num: true }, { label: "Input tokens", num: true }, { label: "Output tokens", num: true }, { label: "Cost", num: true }],
      report.by_model.map((m) => [`<code>${text(m.model)}</code>`, count(m.requests), count(m.input_tokens), count(m.output_tokens), usd(m.cost_micros)]),
      "No requests in the last 30 days.",
    ) +
    `<h2>By key</h2>` +
    table(
      "by-key",
      "Usage per key, most expensive first",
      [{ label: "Key" }, { label: "End user" }, { label: "Requests", num: true }, { label: "Input tokens", num: true }, { label: "Output tokens", num: true }, { label: "Cost", num: true }],
      report.by_key.map((k) => [
        `${text(keyNames.get(k.key_id) ?? "(revoked key)")} <code>${text(k.key_id)}</code>`,
        k.end_user_id === null ? "—" : endUserLink(k.end_user_id),
        count(k.requests),
        count(k.input_tokens),
        count(k.output_tokens),
        usd(k.cost_micros),
      ]),
      "No requests in the last 30 days.",
    ) +
    `<h2>Top end users by spend</h2>` +
    table(
      "by-end-user",
      "Spend per end user (through their keys), most expensive first",
      [{ label: "End user" }, { label: "Requests", num: true }, { label: "Cost", num: true }],
      endUsers.map((u) => [endUserLink(u.end_user_id), count(u.requests), usd(u.cost_micros)]),
      "No end user's key made a request in the last 30 days.",
    )
  );
}

/** A key with its spend: `usage` from GET /v1/keys/{id}/usage. */
export interface KeyWithUsage {
  key: ApiKey;
  usage: KeyUsage;
}

/** What remains under a cap (never below zero), or null when the key has none. */
export function remainingMicros(usage: KeyUsage): number | null {
  return usage.cap_micros === null ? null : Math.max(0, usage.cap_micros - usage.cost_micros - usage.reserved_micros);
}

export function keysBody(view: {
  keys: readonly KeyWithUsage[];
  csrf: string;
  nowMs: number;
  sessionKeyId: string;
  minted?: { name: string; secret: string };
  revoked?: string;
  problem?: string;
  form?: { name: string; scope: string; end_user_id: string; max_spend_usd: string };
}): string {
  const minted = view.minted
    ? `<div class="ok" role="status" id="minted"><p><strong>Key “${escapeHtml(view.minted.name)}” was created.</strong> Copy its secret now: it is shown this once and never again.</p>` +
      `<label for="new-secret">Secret</label><input id="new-secret" readonly value="${escapeHtml(view.minted.secret)}" autocomplete="off" spellcheck="false"></div>`
    : "";
  const revoked = view.revoked ? `<p class="ok" role="status" id="revoked">Key <code>${escapeHtml(view.revoked)}</code> was revoked; it is refused from its next request.</p>` : "";
  const problem = view.problem
    ? `<div class="alert" role="alert" id="problem"><h2>The key was not created</h2><p>${escapeHtml(view.problem)}</p></div>`
    : "";
  const rows = view.keys.map(({ key, usage }) => {
    const remaining = remainingMicros(usage);
    const self = key.id === view.sessionKeyId ? ` <span class="muted">(this session)</span>` : "";
    return [
      `${text(key.name)}${self}<br><code>${text(key.prefix)}…</code>`,
      text(key.scope),
      key.end_user_id === null ? "—" : endUserLink(key.end_user_id),
      usage.cap_micros === null ? "no cap" : usd(usage.cap_micros),
      usd(usage.cost_micros),
      remaining === null ? "—" : usd(remaining),
      timeHtml(key.created_at, view.nowMs),
      key.last_used_at === null ? "never" : timeHtml(key.last_used_at, view.nowMs),
      `<form method="post" action="/dashboard/keys/revoke">${csrfField(view.csrf)}<input type="hidden" name="key_id" value="${escapeHtml(key.id)}">` +
        `<button type="submit" class="danger" aria-label="Revoke key ${escapeHtml(key.name)} (${escapeHtml(key.prefix)}…)">Revoke</button></form>`,
    ];
  });
  const f = view.form ?? { name: "", scope: "standard", end_user_id: "", max_spend_usd: "" };
  const option = (v: string) => `<option value="${v}"${f.scope === v ? " selected" : ""}>${v}</option>`;
  return (
    minted +
    revoked +
    problem +
    table(
      "keys",
      "Active keys, with their spend (GET /v1/keys and GET /v1/keys/{id}/usage)",
      [
        { label: "Name" },
        { label: "Scope" },
        { label: "End user" },
        { label: "Cap", num: true },
        { label: "Spent", num: true },
        { label: "Remaining", num: true },
        { label: "Created" },
        { label: "Last used" },
        { label: "Revoke" },
      ],
      rows,
      "No active keys.",
    ) +
    `<h2 id="mint-heading">Mint a key</h2>` +
    `<form method="post" action="/dashboard/keys" aria-labelledby="mint-heading">${csrfField(view.csrf)}` +
    `<label for="key-name">Name</label><input id="key-name" name="name" required maxlength="100" value="${escapeHtml(f.name)}">` +
    `<label for="key-scope">Scope <span class="hint">standard acts for one end user; master administers the tenant</span></label>` +
    `<select id="key-scope" name="scope">${option("standard")}${option("master")}</select>` +
    `<label for="key-end-user">End user id (optional)</label><input id="key-end-user" name="end_user_id" maxlength="200" value="${escapeHtml(f.end_user_id)}">` +
    `<label for="key-cap">Spend cap in US dollars (optional)</label><input id="key-cap" name="max_spend_usd" inputmode="decimal" value="${escapeHtml(f.max_spend_usd)}">` +
    `<button type="submit">Mint key</button></form>`
  );
}

export function walletBody(view: {
  wallet: WalletBalance;
  ledger: readonly LedgerEntry[];
  /** Older entries exist beyond those shown. */
  ledgerMore: boolean;
  stripe: boolean;
  csrf: string;
  nowMs: number;
  checkout?: { url: string; amount_micros: number };
  problem?: string;
}): string {
  const w = view.wallet;
  const problem = view.problem ? `<div class="alert" role="alert" id="problem"><h2>The top-up did not start</h2><p>${escapeHtml(view.problem)}</p></div>` : "";
  const checkout = view.checkout
    ? `<p class="ok" role="status" id="checkout">A top-up of ${usd(view.checkout.amount_micros)} is ready: <a id="checkout-link" href="${escapeHtml(view.checkout.url)}">continue to Stripe Checkout to pay</a>.</p>`
    : "";
  const topUp = view.stripe
    ? `<h2 id="top-up-heading">Top up</h2><form method="post" action="/dashboard/wallet/top-up" aria-labelledby="top-up-heading">${csrfField(view.csrf)}` +
      `<label for="top-up-amount">Amount in US dollars <span class="hint">0.50 to 10,000, paid through Stripe Checkout</span></label>` +
      `<input id="top-up-amount" name="amount_usd" required inputmode="decimal" value="20.00"><button type="submit">Top up with Stripe</button></form>`
    : `<p class="muted" id="no-stripe">Top-ups through Stripe are off: the operator has not set <code>STRIPE_SECRET_KEY</code>.</p>`;
  const rows = view.ledger.map((e) => [
    timeHtml(e.created_at, view.nowMs),
    text(e.type),
    usd(e.amount_micros),
    usd(e.balance_after_micros),
    e.key_id === null ? "—" : `<code>${text(e.key_id)}</code>`,
    text(e.note),
  ]);
  return (
    problem +
    checkout +
    cards([
      { id: "balance", label: "Balance", value: formatUsd(w.balance_micros) },
      { id: "reserved", label: "Reserved for requests in flight", value: formatUsd(w.reserved_micros) },
      { id: "overshoots", label: "Overshoots", value: `${formatCount(w.overshoots)} (${formatUsd(w.overshoot_micros)})` },
    ]) +
    topUp +
    `<h2>Ledger</h2>` +
    `<p class="muted">${view.ledgerMore ? `The newest ${formatCount(view.ledger.length)} entries` : `All ${formatCount(view.ledger.length)} entries`}, newest first (<code>GET /v1/wallet/ledger?order=desc</code>).</p>` +
    table(
      "ledger",
      "Ledger entries, newest first",
      [{ label: "When" }, { label: "Type" }, { label: "Amount", num: true }, { label: "Balance after", num: true }, { label: "Key" }, { label: "Note" }],
      rows,
      "The ledger is empty.",
    )
  );
}

/** One row of the requests page. */
export interface RequestRow {
  request_id: string;
  created_at: number;
  key_id: string | null;
  model: string | null;
  status: string;
  provider: string | null;
  latency_ms: number | null;
  cost_micros: number;
}

export function requestsBody(view: { rows: readonly RequestRow[]; sourceHtml: string; nowMs: number }): string {
  return (
    `<p class="muted" id="requests-source">${view.sourceHtml}</p>` +
    table(
      "requests",
      "Recent requests, newest first",
      [{ label: "When" }, { label: "Request" }, { label: "Key" }, { label: "Model" }, { label: "Status" }, { label: "Provider" }, { label: "Latency", num: true }, { label: "Cost", num: true }],
      view.rows.map((r) => [
        timeHtml(r.created_at, view.nowMs),
        `<code>${text(r.request_id)}</code>`,
        r.key_id === null ? "—" : `<code>${text(r.key_id)}</code>`,
        r.model === null ? "—" : `<code>${text(r.model)}</code>`,
        text(r.status),
        text(r.provider),
        r.latency_ms === null ? "—" : `${count(r.latency_ms)} ms`,
        usd(r.cost_micros),
      ]),
      "No requests yet.",
    )
  );
}

/** One end user in the list: where they were seen, and their spend over the usage window. */
export interface EndUserRow {
  end_user_id: string;
  keys: number;
  requests: number;
  cost_micros: number;
}

export function endUsersBody(view: {
  endUsers: readonly EndUserRow[];
  nowMs: number;
  selected?: { end_user_id: string; connections: readonly Connection[]; threads: readonly Thread[]; moreThreads: boolean };
}): string {
  const list = table(
    "end-users",
    "End users (with a key, usage in the last 30 days, or a thread), by spend",
    [{ label: "End user" }, { label: "Active keys", num: true }, { label: "Requests (30 days)", num: true }, { label: "Spend (30 days)", num: true }],
    view.endUsers.map((u) => [endUserLink(u.end_user_id), count(u.keys), count(u.requests), usd(u.cost_micros)]),
    "No end users yet.",
  );
  const form =
    `<form method="get" action="/dashboard/end-users" aria-labelledby="find-heading"><h2 id="find-heading">Look up an end user</h2>` +
    `<label for="end-user-id">End user id</label><input id="end-user-id" name="end_user_id" required maxlength="200" value="${escapeHtml(view.selected?.end_user_id ?? "")}">` +
    `<button type="submit">Show connections and threads</button></form>`;
  const s = view.selected;
  const detail = s
    ? `<h2 id="selected">End user <code>${escapeHtml(s.end_user_id)}</code></h2>` +
      table(
        "connections",
        "Connections (GET /v1/connections)",
        [{ label: "Connector" }, { label: "Label" }, { label: "Status" }, { label: "Default" }, { label: "Connected" }, { label: "Created" }],
        s.connections.map((c) => [
          text(c.connector),
          text(c.label),
          text(c.status),
          c.is_default ? "yes" : "no",
          c.connected_at === null ? "—" : timeHtml(c.connected_at, view.nowMs),
          timeHtml(c.created_at, view.nowMs),
        ]),
        "No connections.",
      ) +
      table(
        "threads",
        `Threads, newest first (GET /v1/threads${s.moreThreads ? "; the newest 100" : ""})`,
        [{ label: "Thread" }, { label: "Messages", num: true }, { label: "Created" }, { label: "Last active" }],
        s.threads.map((t) => [`<code>${text(t.id)}</code>`, count(t.message_count), timeHtml(t.created_at, view.nowMs), timeHtml(t.last_active_at, view.nowMs)]),
        "No threads.",
      )
    : "";
  return detail + list + form;
}

/** The sign-in page: a password field for a master key, the form's own token, and what went wrong last time. */
export function signInPage(view: { token: string; problem?: string; notice?: string }): string {
  const problem = view.problem
    ? `<div class="alert" role="alert" id="problem" tabindex="-1" autofocus><h2>Not signed in</h2><p>${escapeHtml(view.problem)}</p></div>`
    : "";
  const notice = view.notice ? `<p class="ok" role="status" id="notice">${escapeHtml(view.notice)}</p>` : "";
  return plainPage(
    "Sign in to the Gatehouse dashboard",
    notice +
      problem +
      `<form method="post" action="/dashboard/sign-in">${csrfField(view.token)}` +
      `<label for="master-key">Master key <span class="hint">A qlk_live_… or qlk_test_… key with master scope. It is checked, then only a session cookie is kept.</span></label>` +
      `<input id="master-key" name="key" type="password" required autocomplete="off" spellcheck="false"${view.problem ? "" : " autofocus"}>` +
      `<button type="submit">Sign in</button></form>`,
  );
}

/** A page that ends a request without a session's page: refused form posts, unexpected failures. */
export function noticePage(title: string, message: string): string {
  return plainPage(title, `<p>${escapeHtml(message)}</p><p><a href="/dashboard">Back to the dashboard</a></p>`);
}
