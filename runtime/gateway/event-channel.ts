// A one-slot hand-over from the stream pump (which runs on its own, in waitUntil, so the
// request is billed whoever reads) to whoever reads complete()'s events: write() resolves when
// the reader took the batch, which is the same backpressure a client's socket gives the relay.
// A reader that stops (return(), a cancelled response) makes pending and later writes fail:
// for the pump that is a client gone.

/** The pump's end: the same three calls as a stream writer, so one pump feeds either. */
export interface Sink<T> {
  write(value: T): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface EventChannel<T> extends Sink<T> {
  readonly readable: AsyncIterable<T>;
}

interface Pending<T> {
  value: T;
  taken: () => void;
  refused: (e: Error) => void;
}

export function createEventChannel<T>(): EventChannel<T> {
  const queue: Pending<T>[] = [];
  let ended = false;
  let readerGone = false;
  let wake: (() => void) | undefined;
  const gone = () => new Error("the reader of the events is gone");
  const stopReader = () => {
    readerGone = true;
    for (const p of queue.splice(0)) p.refused(gone());
  };
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const iterator: AsyncIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        const head = queue.shift();
        if (head) {
          head.taken();
          return { value: head.value, done: false };
        }
        if (ended || readerGone) return { value: undefined, done: true };
        await new Promise<void>((r) => (wake = r));
      }
    },
    async return(): Promise<IteratorResult<T>> {
      stopReader();
      return { value: undefined, done: true };
    },
  };

  return {
    readable: { [Symbol.asyncIterator]: () => iterator },
    write(value: T): Promise<void> {
      if (readerGone) return Promise.reject(gone());
      if (ended) return Promise.reject(new Error("the events have ended"));
      return new Promise<void>((taken, refused) => {
        queue.push({ value, taken, refused });
        notify();
      });
    },
    async close() {
      ended = true;
      notify();
    },
    async abort() {
      // What was written and not taken is dropped: the pump has stopped for a gone client.
      ended = true;
      stopReader();
      notify();
    },
  };
}
