// The posted form's bytes: urlencoded only, at most MAX_FORM_BYTES, valid UTF-8. Anything else
// is a notice, never an exception, so the end user sees a page rather than JSON.
import { ApiError } from "../errors";
import { readRawBody } from "../http/read-body";
import { NOTICES, type Notice } from "./notices";

/** The whole form: a handful of fields of at most MAX_FIELD_CHARS each, with room to spare. */
export const MAX_FORM_BYTES = 16 * 1024;

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export async function readForm(req: Request): Promise<URLSearchParams | Notice> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    await req.body?.cancel().catch(() => {});
    return NOTICES.notForm;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readRawBody(req, MAX_FORM_BYTES);
  } catch (err) {
    if (err instanceof ApiError && err.kind === "payload_too_large") return NOTICES.tooLarge;
    throw err;
  }
  try {
    return new URLSearchParams(UTF8.decode(bytes));
  } catch {
    return NOTICES.notForm;
  }
}
