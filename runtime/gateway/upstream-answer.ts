/** A non-streamed upstream answer as read: whole, or why not. */
export type Answer = { kind: "whole"; text: string; bytes: number } | { kind: "too_large" } | { kind: "cut"; message: string };

/**
 * Reads a non-streamed answer, up to `maxBytes` (UPSTREAM_MAX_BODY_BYTES): an upstream
 * that sends without end must not grow the isolate's memory without bound.
 */
export async function readAnswer(res: Response, maxBytes: number): Promise<Answer> {
  if (!res.body) return { kind: "whole", text: "", bytes: 0 };
  // A declared length on an unencoded body is what the runtime delivers (it enforces the
  // framing): one native read, without a JS loop per chunk. A compressed body's length says
  // nothing of what it inflates to, so it is counted as it is read, like a chunked one.
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  const encoding = res.headers.get("content-encoding");
  if (Number.isSafeInteger(declared) && (encoding === null || encoding === "identity")) {
    if (declared > maxBytes) {
      await res.body.cancel().catch(() => {});
      return { kind: "too_large" };
    }
    try {
      return { kind: "whole", text: await res.text(), bytes: declared };
    } catch (e) {
      return { kind: "cut", message: (e as Error).message };
    }
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > maxBytes) {
        await reader.cancel().catch(() => {});
        return { kind: "too_large" };
      }
      parts.push(value);
    }
  } catch (e) {
    return { kind: "cut", message: (e as Error).message };
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { kind: "whole", text: new TextDecoder().decode(all), bytes };
}
