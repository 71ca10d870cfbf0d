// Where a streamed turn writes for its client. Each write waits for the client (a slow reader
// slows the upstream read, as on /v1/messages); once the client is gone — its stream cancelled,
// or the request's hang-up signal — writes are dropped at once, so the turn reads on to its end
// and is stored instead of waiting on a reader that will never come.
const enc = new TextEncoder();

export class ClientSink {
  private gone = false;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly hungUp: Promise<void>;

  constructor(writable: WritableStream<Uint8Array>, signal?: AbortSignal) {
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
    try {
      await Promise.race([write, this.hungUp]);
    } catch {
      this.gone = true;
    }
  }

  async close(): Promise<void> {
    if (this.gone) await this.writer.abort().catch(() => {});
    else await this.writer.close().catch(() => {});
  }
}
