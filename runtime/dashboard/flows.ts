// The dashboard's requests, one function per route: find the session (or send the browser to
// sign in), fetch the page's numbers through the API's own handlers (api.ts), render (views.ts).
// Form posts pass postedSession (session + CSRF token) before anything is done.
import { tenantName } from "../db/tenants";
import { ApiError } from "../errors";
import type { RequestContext } from "../http/context";
import { callApi, type ApiBody } from "./api";
import { postedSession, readDashboardForm } from "./forms";
import { signedInPage, type NavPath } from "./layout";
import { clearedCookie, dashboardCookie, htmlResponse, readCookie, redirectTo, SESSION_COOKIE, SIGN_IN_COOKIE } from "./response";
import { csrfMatches, currentSession, endSession, keyForSignIn, newSignInToken, openSession, sameText, type DashboardSession } from "./session";
import { recentRequests } from "./requests";
import {
  endUsersBody,
  keysBody,
  noticePage,
  requestsBody,
  signInPage,
  spendByEndUser,
  usageBody,
  walletBody,
  type EndUserRow,
  type KeyWithUsage,
} from "./views";

type LedgerEntry = ApiBody<"listLedger">["data"][number];

const SIGN_IN_PATH = "/dashboard/sign-in";
/** How long a sign-in form's token lasts. */
const SIGN_IN_TOKEN_MS = 3_600_000;
/** Ledger entries shown on the wallet page (the newest). */
const LEDGER_SHOWN = 50;

/** A GET page's session, or the 303 to the sign-in page (clearing a dead session's cookie). */
async function pageSession(ctx: RequestContext, nowMs: number): Promise<DashboardSession | Response> {
  const session = await currentSession(ctx.env, ctx.req, nowMs);
  if (session) return session;
  const cookies = readCookie(ctx.req, SESSION_COOKIE) === null ? [] : [clearedCookie(SESSION_COOKIE)];
  return redirectTo(SIGN_IN_PATH, cookies);
}

async function page(ctx: RequestContext, session: DashboardSession, title: string, current: NavPath | null, body: string, status = 200): Promise<Response> {
  const name = (await tenantName(ctx.env.DB, session.tenantId)) ?? session.tenantId;
  return htmlResponse(status, signedInPage({ title, current, csrf: session.csrf, tenantName: name }, body));
}

// ─── Sign-in and sign-out ──────────────────────────────────────────────────────────────

async function signInForm(status: number, nowMs: number, problem?: string): Promise<Response> {
  const token = newSignInToken();
  return htmlResponse(status, signInPage({ token, problem }), [dashboardCookie(SIGN_IN_COOKIE, token, nowMs + SIGN_IN_TOKEN_MS, nowMs)]);
}

export async function showSignIn(ctx: RequestContext, nowMs: number): Promise<Response> {
  if (await currentSession(ctx.env, ctx.req, nowMs)) return redirectTo("/dashboard");
  return signInForm(200, nowMs);
}

export async function signIn(ctx: RequestContext, nowMs: number): Promise<Response> {
  const fields = await readDashboardForm(ctx.req);
  if (fields instanceof Response) return fields;
  const expected = readCookie(ctx.req, SIGN_IN_COOKIE);
  const posted = fields.get("csrf") ?? "";
  if (expected === null || posted === "" || !sameText(posted, expected)) {
    return signInForm(403, nowMs, "The sign-in form had expired or did not come from this page (its security token did not match). Type the key again.");
  }
  const secret = (fields.get("key") ?? "").trim();
  if (secret === "") return signInForm(400, nowMs, "Type a master key: it starts with qlk_live_ or qlk_test_.");
  try {
    const key = await keyForSignIn(ctx.req, ctx.env, ctx.exec, secret);
    const { cookieValue, session } = await openSession(ctx.env, key, nowMs);
    return redirectTo("/dashboard", [dashboardCookie(SESSION_COOKIE, cookieValue, session.expiresAt, nowMs), clearedCookie(SIGN_IN_COOKIE)]);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    switch (e.kind) {
      case "permission":
        return signInForm(403, nowMs, "This is a standard key. Only a master key opens the dashboard.");
      case "rate_limited":
        return signInForm(429, nowMs, `Too many failed sign-ins from this address: ${e.message}.`);
      case "authentication":
        return signInForm(401, nowMs, `That key was not accepted: ${e.message}.`);
      default:
        throw e;
    }
  }
}

export async function signOut(ctx: RequestContext, nowMs: number): Promise<Response> {
  const fields = await readDashboardForm(ctx.req);
  if (fields instanceof Response) return fields;
  const session = await currentSession(ctx.env, ctx.req, nowMs);
  if (!session) return redirectTo(SIGN_IN_PATH, [clearedCookie(SESSION_COOKIE)]);
  if (!csrfMatches(session, fields.get("csrf") ?? null)) {
    return htmlResponse(403, noticePage("This form was refused for your safety", "It did not carry this session's security token (CSRF). Reload the page and sign out from there."));
  }
  await endSession(ctx.env, session);
  return redirectTo(SIGN_IN_PATH, [clearedCookie(SESSION_COOKIE)]);
}

// ─── Usage ─────────────────────────────────────────────────────────────────────────────

async function keyNames(ctx: RequestContext, session: DashboardSession): Promise<Map<string, string>> {
  const keys = await callApi(ctx, session.key, "listKeys");
  return new Map(keys.data.map((k) => [k.id, k.name]));
}

export async function showUsage(ctx: RequestContext, nowMs: number): Promise<Response> {
  const session = await pageSession(ctx, nowMs);
  if (session instanceof Response) return session;
  const [report, names] = await Promise.all([callApi(ctx, session.key, "getUsage", { query: { to_ms: nowMs } }), keyNames(ctx, session)]);
  return page(ctx, session, "Usage", "/dashboard", usageBody(report, names));
}

// ─── Keys ──────────────────────────────────────────────────────────────────────────────

async function keysWithUsage(ctx: RequestContext, session: DashboardSession): Promise<KeyWithUsage[]> {
  const keys = await callApi(ctx, session.key, "listKeys");
  return Promise.all(keys.data.map(async (key) => ({ key, usage: await callApi(ctx, session.key, "getKeyUsage", { params: { id: key.id } }) })));
}

type KeysExtra = Omit<Parameters<typeof keysBody>[0], "keys" | "csrf" | "nowMs" | "sessionKeyId">;

async function keysPage(ctx: RequestContext, session: DashboardSession, nowMs: number, extra: KeysExtra = {}, status = 200): Promise<Response> {
  const keys = await keysWithUsage(ctx, session);
  return page(ctx, session, "Keys", "/dashboard/keys", keysBody({ keys, csrf: session.csrf, nowMs, sessionKeyId: session.key.id, ...extra }), status);
}

export async function showKeys(ctx: RequestContext, nowMs: number): Promise<Response> {
  const session = await pageSession(ctx, nowMs);
  if (session instanceof Response) return session;
  return keysPage(ctx, session, nowMs);
}

/** A form's number field as the JSON API would get it: a number when it reads as one, else the text (which the validator refuses by name). */
function numberField(value: string): number | string {
  const n = Number(value.replace(/[$,\s]/g, ""));
  return value.trim() !== "" && Number.isFinite(n) ? n : value;
}

export async function mintKey(ctx: RequestContext, nowMs: number): Promise<Response> {
  const posted = await postedSession(ctx, nowMs);
  if (posted instanceof Response) return posted;
  const { session, fields } = posted;
  const form = {
    name: fields.get("name") ?? "",
    scope: fields.get("scope") ?? "standard",
    end_user_id: (fields.get("end_user_id") ?? "").trim(),
    max_spend_usd: (fields.get("max_spend_usd") ?? "").trim(),
  };
  const body: Record<string, unknown> = { name: form.name, scope: form.scope };
  if (form.end_user_id !== "") body.end_user_id = form.end_user_id;
  if (form.max_spend_usd !== "") body.max_spend_usd = numberField(form.max_spend_usd);
  try {
    const created = await callApi(ctx, session.key, "createKey", { body });
    return keysPage(ctx, session, nowMs, { minted: { name: created.name, secret: created.secret } });
  } catch (e) {
    if (e instanceof ApiError && e.kind === "invalid_request") return keysPage(ctx, session, nowMs, { problem: formMessage(e), form }, 400);
    throw e;
  }
}

export async function revokeKey(ctx: RequestContext, nowMs: number): Promise<Response> {
  const posted = await postedSession(ctx, nowMs);
  if (posted instanceof Response) return posted;
  const { session, fields } = posted;
  const id = (fields.get("key_id") ?? "").trim();
  if (id === "") return keysPage(ctx, session, nowMs, { problem: "No key was named: use a Revoke button of the table." }, 400);
  try {
    await callApi(ctx, session.key, "revokeKey", { params: { id } });
  } catch (e) {
    if (e instanceof ApiError && (e.kind === "not_found" || e.kind === "invalid_request")) return keysPage(ctx, session, nowMs, { problem: e.message }, 400);
    throw e;
  }
  return redirectTo("/dashboard/keys");
}

/** The API's 400 message in words for a form: `body.max_spend_usd` becomes the field's name. */
function formMessage(e: ApiError): string {
  return e.message.replace(/\bbody\.(\w+)/g, "$1");
}

// ─── Wallet ────────────────────────────────────────────────────────────────────────────

/** The newest ledger entries, newest first, and whether older ones exist. */
async function newestLedger(ctx: RequestContext, session: DashboardSession): Promise<{ entries: LedgerEntry[]; more: boolean }> {
  const pageOf = await callApi(ctx, session.key, "listLedger", { query: { limit: LEDGER_SHOWN, order: "desc" } });
  return { entries: pageOf.data, more: pageOf.has_more };
}

async function walletPage(ctx: RequestContext, session: DashboardSession, nowMs: number, extra: { checkout?: { url: string; amount_micros: number }; problem?: string } = {}, status = 200): Promise<Response> {
  const [wallet, ledger] = await Promise.all([callApi(ctx, session.key, "getWallet"), newestLedger(ctx, session)]);
  const stripe = typeof ctx.env.STRIPE_SECRET_KEY === "string" && ctx.env.STRIPE_SECRET_KEY !== "";
  return page(ctx, session, "Wallet", "/dashboard/wallet", walletBody({ wallet, ledger: ledger.entries, ledgerMore: ledger.more, stripe, csrf: session.csrf, nowMs, ...extra }), status);
}

export async function showWallet(ctx: RequestContext, nowMs: number): Promise<Response> {
  const session = await pageSession(ctx, nowMs);
  if (session instanceof Response) return session;
  return walletPage(ctx, session, nowMs);
}

export async function startTopUp(ctx: RequestContext, nowMs: number): Promise<Response> {
  const posted = await postedSession(ctx, nowMs);
  if (posted instanceof Response) return posted;
  const { session, fields } = posted;
  const back = `${new URL(ctx.req.url).origin}/dashboard/wallet`;
  try {
    const checkout = await callApi(ctx, session.key, "createCheckoutSession", {
      body: { amount_usd: numberField((fields.get("amount_usd") ?? "").trim()), success_url: back, cancel_url: back },
    });
    return walletPage(ctx, session, nowMs, { checkout: { url: checkout.url, amount_micros: checkout.amount_micros } });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.kind === "invalid_request") return walletPage(ctx, session, nowMs, { problem: formMessage(e) }, 400);
    if (e.kind === "permission") return walletPage(ctx, session, nowMs, { problem: e.message }, 403);
    if (e.status === 502 || e.kind === "upstream") return walletPage(ctx, session, nowMs, { problem: `Stripe could not be reached: ${e.message}` }, 502);
    throw e;
  }
}

// ─── Requests ──────────────────────────────────────────────────────────────────────────

export async function showRequests(ctx: RequestContext, nowMs: number): Promise<Response> {
  const session = await pageSession(ctx, nowMs);
  if (session instanceof Response) return session;
  return page(ctx, session, "Recent requests", "/dashboard/requests", requestsBody({ ...(await recentRequests(ctx, session)), nowMs }));
}

// ─── End users ─────────────────────────────────────────────────────────────────────────

export async function showEndUsers(ctx: RequestContext, nowMs: number, endUserId: string | undefined): Promise<Response> {
  const session = await pageSession(ctx, nowMs);
  if (session instanceof Response) return session;
  const [report, keys, threads] = await Promise.all([
    callApi(ctx, session.key, "getUsage", { query: { to_ms: nowMs, group_by: "key" } }),
    callApi(ctx, session.key, "listKeys"),
    callApi(ctx, session.key, "listThreads", { query: { limit: 100 } }),
  ]);
  const rows = new Map<string, EndUserRow>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { end_user_id: id, keys: 0, requests: 0, cost_micros: 0 }));
    return r;
  };
  for (const u of spendByEndUser(report)) Object.assign(row(u.end_user_id), { requests: u.requests, cost_micros: u.cost_micros });
  for (const k of keys.data) if (k.end_user_id !== null) row(k.end_user_id).keys++;
  for (const t of threads.data) if (t.end_user_id !== null) row(t.end_user_id);
  const endUsers = [...rows.values()].sort((a, b) => b.cost_micros - a.cost_micros || a.end_user_id.localeCompare(b.end_user_id));
  let selected: Parameters<typeof endUsersBody>[0]["selected"];
  if (endUserId !== undefined) {
    const [connections, own] = await Promise.all([
      callApi(ctx, session.key, "listConnections", { query: { end_user_id: endUserId } }),
      callApi(ctx, session.key, "listThreads", { query: { end_user_id: endUserId, limit: 100 } }),
    ]);
    selected = { end_user_id: endUserId, connections: connections.data, threads: own.data, moreThreads: own.has_more };
  }
  return page(ctx, session, "End users", "/dashboard/end-users", endUsersBody({ endUsers, nowMs, selected }));
}
