const READ_BYTES = 16 * 1024;

export interface ByteReader {
  /** The raw read: pass a chunk it returns through `take`. */
  next(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** The chunk as the relay may keep it (null at the end). */
  take(value: Uint8Array | undefined): Uint8Array | null;
  cancel(): Promise<void>;
}

/**
 * Reads whatever bytes have arrived, up to 16 KiB at a time, into one reused buffer (BYOB,
 * fetch bodies in workerd); plain reads for other streams (the in-process mock). Measured:
 * a 50-event stream written back to back still arrives as 82–99 reads, one or two per event,
 * however large the buffer (bench/gateway.md).
 */
export function byteReader(stream: ReadableStream<Uint8Array>): ByteReader {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    byob = undefined; // not a byte stream (the in-process mock): plain reads
  }
  if (byob) {
    const r = byob;
    // One buffer for every read (a read hands it back as value.buffer): what arrived is
    // copied out, usually a few hundred bytes, instead of allocating 16 KiB per read.
    let buf = new ArrayBuffer(READ_BYTES);
    const take = (value: Uint8Array | undefined): Uint8Array | null => {
      if (!value) return null;
      buf = value.buffer as ArrayBuffer;
      return value.slice();
    };
    return {
      next: () => r.read(new Uint8Array(buf)),
      take,
      cancel: () => r.cancel(),
    };
  }
  const r = stream.getReader();
  return {
    next: () => r.read(),
    take: (value) => value ?? null,
    cancel: () => r.cancel(),
  };
}
