// The `after` cursor of GET /v1/threads: the last thread's (created_at, id), opaque to callers.
// It names a position, not a row, so it stays valid when that thread is deleted.
import type { ThreadListPosition } from "../db/threads";
import { badRequest } from "../errors";

/** base64url of "created_at.id". */
export function encodeThreadCursor(pos: ThreadListPosition): string {
  return btoa(`${pos.createdAt}.${pos.id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const BAD = "after is not a cursor this API gave; pass the next_after of the previous page unchanged, or omit it for the first page";

/** The position a cursor names; anything else is the caller's 400 naming `query.after`. */
export function decodeThreadCursor(cursor: string): ThreadListPosition {
  let text: string;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    throw badRequest(BAD, "query.after");
  }
  const m = /^(\d{1,16})\.(.{1,100})$/s.exec(text);
  const createdAt = Number(m?.[1]);
  if (!m || !Number.isSafeInteger(createdAt)) throw badRequest(BAD, "query.after");
  return { createdAt, id: m[2] as string };
}
