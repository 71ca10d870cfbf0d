// Reading a dashboard form post: urlencoded only, at most 16 KiB, valid UTF-8, each field at
// most once. The session and CSRF checks that every post passes before anything runs.
import { ApiError } from "../errors";
import { readRawBody } from "../http/read-body";
import type { RequestContext } from "../http/context";
import { clearedCookie, htmlResponse, readCookie, SESSION_COOKIE } from "./response";
import { csrfMatches, currentSession, type DashboardSession } from "./session";
import { noticePage } from "./views";

const MAX_FORM_BYTES = 16 * 1024;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The form's fields, or the 400 page saying why it cannot be read. */
export async function readDashboardForm(req: Request): Promise<Map<string, string> | Response> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  const refuse = (message: string) => htmlResponse(400, noticePage("This form could not be read", message));
  if (type !== "application/x-www-form-urlencoded") {
    await req.body?.cancel().catch(() => {});
    return refuse("The dashboard's forms are sent as application/x-www-form-urlencoded; send the form from the page.");
  }
  let bytes: Uint8Array;
  try {
    bytes = await readRawBody(req, MAX_FORM_BYTES);
  } catch (err) {
    if (err instanceof ApiError && err.kind === "payload_too_large") return refuse("The form is larger than 16 KiB; shorten the values.");
    throw err;
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(UTF8.decode(bytes));
  } catch {
    return refuse("The form is not valid UTF-8; send it from the page.");
  }
  const fields = new Map<string, string>();
  for (const [k, v] of params) {
    if (fields.has(k)) return refuse(`The field ${k} was sent more than once; send it once.`);
    fields.set(k, v);
  }
  return fields;
}

/**
 * A form post's session, after its CSRF token is checked: the session, or the 403 page (no
 * session: sign in again; a missing or foreign token: refused, nothing done). The form is read
 * first so a refused post never leaves its body unread.
 */
export async function postedSession(ctx: RequestContext, nowMs: number): Promise<{ session: DashboardSession; fields: Map<string, string> } | Response> {
  const fields = await readDashboardForm(ctx.req);
  if (fields instanceof Response) return fields;
  const session = await currentSession(ctx.env, ctx.req, nowMs);
  if (!session) {
    const cookies = readCookie(ctx.req, SESSION_COOKIE) === null ? [] : [clearedCookie(SESSION_COOKIE)];
    return htmlResponse(403, noticePage("Your session has ended", "Sign in again with a master key, then repeat what you were doing."), cookies);
  }
  if (!csrfMatches(session, fields.get("csrf") ?? null)) {
    return htmlResponse(
      403,
      noticePage("This form was refused for your safety", "It did not carry this session's security token (CSRF). Reload the page and send the form from there."),
    );
  }
  return { session, fields };
}
