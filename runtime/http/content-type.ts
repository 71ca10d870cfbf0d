/**
 * True for a JSON media type: `application/json` or any `+json` suffix type
 * (`application/vnd.x+json`), case-insensitive, with any parameters (`; charset=utf-8`).
 * Gatehouse's routes read only JSON bodies; the official SDKs always send one of these.
 */
export function isJsonContentType(header: string | null): boolean {
  if (header === null) return false;
  const essence = (header.split(";", 1)[0] ?? "").trim().toLowerCase();
  const slash = essence.indexOf("/");
  if (slash <= 0 || essence.indexOf("/", slash + 1) !== -1) return false;
  const [type, subtype] = [essence.slice(0, slash), essence.slice(slash + 1)];
  return type === "application" && (subtype === "json" || (subtype.endsWith("+json") && subtype.length > "+json".length));
}
