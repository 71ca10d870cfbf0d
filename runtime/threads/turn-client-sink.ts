// Where a streamed turn writes for its client. Each write waits for the client (a slow reader
// slows the upstream read, as on /v1/messages); once the client is gone — its stream cancelled,
// or the request's hang-up signal — writes are dropped at once, so the turn reads on to its end
// and is stored instead of waiting on a reader that will never come. A client that stops reading
// without either sign (a dropped connection the runtime never reports) is taken as gone once one
// write has waited STALL_MS: the turn must end and release its thread, not wait for ever.
const enc = new TextEncoder();

/** How long one write may wait for the client to read before the client counts as gone. */
export const STALL_MS = 60_000;

export class ClientSink {
  private gone = false;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly hungUp: Promise<void>;

  constructor(
    writable: WritableStream<Uint8Array>,
    signal?: AbortSignal,
    private readonly stallMs = STALL_MS,
  ) {
    this.writer = writable.getWriter();
    this.hungUp = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      else signal?.addEventListener("abort", () => resolve(), { once: true });
    }).then(() => {
      this.gone = true;
    });
  }

  get clientGone(): boolean {
    return this.gone;
  }

  async send(text: string): Promise<void> {
    if (this.gone) return;
    const write = this.writer.write(enc.encode(text));
    write.catch(() => {}); // a write left behind by a hang-up must not surface as unhandled
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<"stalled">((resolve) => (timer = setTimeout(() => resolve("stalled"), this.stallMs)));
    try {
      if ((await Promise.race([write, this.hungUp, stalled])) === "stalled") this.gone = true;
    } catch {
      this.gone = true;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    // Not awaited: an abort waits for the write in flight, which a client that stopped reading never takes.
    if (this.gone) void this.writer.abort().catch(() => {});
    else await this.writer.close().catch(() => {});
  }
}
