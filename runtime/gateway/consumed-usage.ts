// What to bill when the upstream did not say, or could not finish saying, what a request
// consumed. The rule (README "Work that goes unbilled"): once an upstream accepted a
// request, it is never settled at 0 without evidence that no work was done.
import type { TokenUsage } from "../translate";
import { estimateInputTokens } from "./pricing";
import type { StreamEnd } from "./stream-pump";

/** True when the upstream reported any token count. */
export function reportedAny(u: TokenUsage): boolean {
  return u.input_tokens > 0 || u.output_tokens > 0 || u.cache_read_input_tokens > 0 || u.cache_creation_input_tokens > 0;
}

/**
 * A stream's usage: as reported when it finished with usage; nothing when the upstream's
 * own error event ended it before any content and reported nothing (it says it did no
 * work); otherwise (cut by the upstream, a deadline or a hang-up after content; finished
 * without usage) an estimate: input as reported or from the request's size, output the
 * larger of what was reported and one token per content event relayed.
 */
export function streamUsage(end: StreamEnd, bodyBytes: number): TokenUsage {
  const u = end.obs.usage;
  if (end.obs.stopReason !== undefined && reportedAny(u)) return u;
  if (end.errorInStream && !end.obs.sawContent && !reportedAny(u)) return u;
  return estimated(u, bodyBytes, end.contentEvents);
}

/**
 * A whole non-streamed answer's usage: as reported, or, when the answer carries none, an
 * estimate from the request's and the answer's sizes (one token per 3 bytes, as for input).
 */
export function answerUsage(reported: TokenUsage, bodyBytes: number, answerBytes: number): TokenUsage {
  return reportedAny(reported) ? reported : estimated(reported, bodyBytes, estimateInputTokens(answerBytes));
}

function estimated(u: TokenUsage, bodyBytes: number, outputTokens: number): TokenUsage {
  return {
    ...u,
    input_tokens: u.input_tokens || estimateInputTokens(bodyBytes),
    output_tokens: Math.max(u.output_tokens, outputTokens),
  };
}
