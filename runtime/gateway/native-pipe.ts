// Phase 2 of a pass-through stream where Gatehouse changes no byte (Anthropic- and
// Responses-shaped pass-through, OpenAI-shaped when the client asked for `include_usage`):
// the upstream body is tee'd, one branch piped natively into the client's stream (workerd moves
// the bytes without a JS turn per chunk), the other read by the relay decoder for usage, stop
// and errors, its output dropped. Billing reads every event, as on the JS relay.
//
// What differs from the JS relay (issue 21), and why it is the operator's choice
// (STREAM_NATIVE_PIPE=on; off by default): nothing can be held back once bytes are piped, and
// workerd ends a response body whose native pipe failed with the chunked terminator, a clean
// HTTP end (workerd#6818). So a stream cut by the upstream, by a Gatehouse deadline or the
// event cap, or ended by junk reaches the client as the bytes sent so far and a clean end: an
// SSE parser drops the unfinished event and sees no final event (message_stop, [DONE],
// response.completed), but an SDK that does not look for one ends without an error. Only an
// upstream that ends its body early gets Gatehouse's error event after the piped bytes (the
// pipe has then finished and the client's stream is still open). The pipe does not use
// preventAbort: workerd errors an IdentityTransformStream destination on a cut whatever the
// options (test/e2e/workerd-pipe-after-cut.test.ts), and a standard TransformStream, which does
// stay writable for an error event, costs more than the JS relay. Billing is exact either way. A
// client that reads slower than the upstream sends is buffered for by the tee instead of
// slowing the upstream read (bounded by the answer's size).
import type { PumpRun, StreamEnd, TakeOver } from "./stream-pump";

/**
 * Takes a relay over after the first content: `toClient` (the tee's other branch, unread, so it
 * starts at the stream's first byte) is piped into `writable`, whose `writer` (the pump's sink)
 * is released first; the pump's reader goes on metering its own branch. The client's stream is
 * closed only once the metering branch saw how the answer ended: as it is when whole, after an
 * error event otherwise (when workerd still lets one be written).
 */
export function pipeNatively(
  toClient: ReadableStream<Uint8Array>,
  writable: WritableStream<Uint8Array>,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  clientSignal?: AbortSignal,
): TakeOver<Uint8Array> {
  return async (run: PumpRun<Uint8Array>): Promise<StreamEnd> => {
    writer.releaseLock();
    let clientGone = false;
    let meterEnded = false;
    const stopPipe = new AbortController();
    const hungUp = () => {
      if (meterEnded || clientGone) return;
      clientGone = true;
      run.stopUpstream();
      stopPipe.abort(new Error("the client disconnected"));
    };
    clientSignal?.addEventListener("abort", hungUp, { once: true });
    // preventClose: the client's stream stays Gatehouse's to end, once the metering branch has
    // seen how the answer ended (closed when whole, an error event first otherwise). A failing
    // pipe aborts it (workerd then ends the body cleanly, see above).
    const piped = toClient.pipeTo(writable, { preventClose: true, signal: stopPipe.signal }).then(
      () => true,
      () => {
        // The upstream failed, or the client went away. The metering branch sees an upstream
        // failure at once; if it is still reading a moment later, the client is gone (usually
        // the request's signal said so already): the upstream is stopped.
        setTimeout(hungUp, PIPE_FAILURE_GRACE_MS);
        return false;
      },
    );

    // The metering branch: every chunk through the decoder (usage, stop, errors, deadlines,
    // the event cap); its output is what the client already gets from the pipe, dropped.
    let hadError = false;
    while (!run.ended) {
      const chunk = await run.read();
      if (chunk === null) hadError = run.decoder.obs.upstreamError !== undefined;
      run.feed(chunk);
    }
    meterEnded = true;
    clientSignal?.removeEventListener("abort", hungUp);

    const obs = run.decoder.obs;
    // Whole: the answer ended, or the upstream's own error event ended it (the client has that
    // event, as on the JS relay) — not an error the end itself revealed (an unfinished answer).
    const whole = obs.done && run.decoder.stop === undefined && run.cut === undefined && (obs.upstreamError === undefined || hadError);
    // A pipe still running (Gatehouse cut the stream, or junk came) stops where it is.
    if (!whole) stopPipe.abort(new Error("the stream did not end whole"));
    // A client that left is not waited for: a pipe stopped mid-write may wait on its socket.
    if (!clientGone) await piped;
    if (!clientGone) {
      const end = writable.getWriter();
      try {
        if (!whole) await end.write(errorAfterPipe(run));
        await end.close();
      } catch {
        // After a failed pipe the client's stream is aborted already (not the client's doing);
        // when the answer was whole, a close that fails means the client had left.
        if (whole) clientGone = true;
      }
    }
    if (!whole) await toClient.cancel().catch(() => {});
    return run.finish(clientGone);
  };
}

const enc = new TextEncoder();
/** How long after a failed pipe the metering branch may take to see the upstream's failure. */
const PIPE_FAILURE_GRACE_MS = 20;

/**
 * The error event after piped bytes when the answer did not end whole and the client's stream is
 * still writable. The blank lines first end the event the client may have received only part of
 * (its parser then reports it malformed, an error too); after a whole event they are an empty
 * line pair, which SSE ignores.
 */
function errorAfterPipe(run: PumpRun<Uint8Array>): Uint8Array {
  const obs = run.decoder.obs;
  const why = run.cut ?? (obs.upstreamError !== undefined ? `upstream sent an unreadable event: ${obs.upstreamError.message}` : "upstream stream ended before completing");
  const event = run.decoder.error(why);
  const out = new Uint8Array(2 + event.length);
  out.set(enc.encode("\n\n"));
  out.set(event, 2);
  return out;
}
