// The vendor's own words from an error body: most APIs put them in one of a few places.
// Trimmed, because a model needs the reason, not a 40 KB HTML error page.

export const MAX_MESSAGE_CHARS = 300;

export function vendorMessage(bodyText: string, status: number): string {
  const found = fromJson(bodyText) ?? plainText(bodyText);
  const text = found && found.trim() !== "" ? found.trim() : `the vendor answered HTTP ${status} with no message`;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function fromJson(text: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v === "string") return v;
  if (v === null || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  const err = o.error;
  const firstOfErrors = Array.isArray(o.errors) ? (o.errors[0] as unknown) : undefined;
  const candidates: unknown[] = [
    o.message,
    typeof err === "object" && err !== null ? (err as Record<string, unknown>).message : undefined,
    o.error_description,
    typeof err === "string" ? err : undefined,
    typeof firstOfErrors === "string" ? firstOfErrors : (firstOfErrors as Record<string, unknown> | undefined)?.message,
    o.detail,
    o.description,
  ];
  const hit = candidates.find((c): c is string => typeof c === "string" && c.trim() !== "");
  return hit ?? JSON.stringify(v);
}

/** HTML error pages: the tags carry no reason, the text might. */
function plainText(text: string): string {
  return text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
}
