// Reads a vendor's body up to a byte cap, so one oversized answer cannot exhaust a
// Worker's memory; `max_chars` trims for the model, this guards the isolate.

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readCapped(res: Response, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  if (!res.body) return { text: "", cut: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      await reader.cancel();
      return { text: decode(chunks), cut: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: decode(chunks), cut: false };
}

function decode(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder();
  return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
}
