// What the gateway needs to know about a stream while it flows: usage so far (for
// settling the wallet, also on disconnect), the stop reason, whether content reached
// the client (fallback is only possible before), and a reported upstream error.
import { isRetryableType } from "./errors";
import type { UpstreamError } from "./errors";
import type { IrStopReason, IrStreamEvent, TokenUsage } from "./ir";
import { zeroUsage } from "./ir";

export interface StreamObservations {
  /** Normalized usage as seen so far (zeros until the upstream reports any). */
  readonly usage: TokenUsage;
  /** Anthropic-vocabulary stop reason once known. */
  readonly stopReason: IrStopReason | undefined;
  /** The stop sequence that ended generation, when `stopReason` is stop_sequence. */
  readonly stopSequence: string | null;
  /** True once any content block (text, thinking, tool call) was produced. */
  readonly sawContent: boolean;
  /** The upstream's error, if the stream failed; `retryable` only before any content. */
  readonly upstreamError: UpstreamError | undefined;
  /** True once the stream ended, successfully or not. */
  readonly done: boolean;
}

export class StreamState implements StreamObservations {
  usage: TokenUsage = zeroUsage();
  stopReason: IrStopReason | undefined;
  stopSequence: string | null = null;
  sawContent = false;
  upstreamError: UpstreamError | undefined;
  done = false;

  readonly observe = (event: IrStreamEvent): void => {
    switch (event.type) {
      case "message_start":
        if (event.usage !== undefined) this.usage = event.usage;
        break;
      case "block_start":
        this.sawContent = true;
        break;
      case "usage":
        this.usage = event.usage;
        break;
      case "finish":
        this.stopReason = event.stop.reason;
        this.stopSequence = event.stop.sequence;
        break;
      case "message_end":
        this.done = true;
        break;
      case "error":
        this.done = true;
        this.upstreamError = {
          type: event.error.type,
          message: event.error.message,
          retryable: !this.sawContent && isRetryableType(event.error.type),
        };
        break;
      default:
        break;
    }
  };
}
