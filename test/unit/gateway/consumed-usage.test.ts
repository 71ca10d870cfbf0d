import { describe, expect, it } from "vitest";
import { answerUsage, streamUsage } from "../../../runtime/gateway/consumed-usage";
import type { StreamEnd } from "../../../runtime/gateway/stream-pump";
import type { StreamObservations, TokenUsage } from "../../../runtime/translate";

const usage = (input: number, output: number): TokenUsage => ({ input_tokens: input, output_tokens: output, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
const NONE = usage(0, 0);

function end(obs: Partial<StreamObservations>, more: Partial<StreamEnd> = {}): StreamEnd {
  const o: StreamObservations = { usage: NONE, stopReason: undefined, stopSequence: null, sawContent: false, upstreamError: undefined, done: false, ...obs };
  return { obs: o, contentEvents: 0, clientGone: false, errorInStream: false, ...more };
}

// 3,000 bytes of request: the estimate is one token per 3 bytes.
const BODY = 3_000;

describe("what a stream is billed", () => {
  it("finished with usage: as reported", () => {
    expect(streamUsage(end({ usage: usage(120_000, 3), stopReason: "end_turn", sawContent: true, done: true }, { contentEvents: 3 }), BODY)).toEqual(usage(120_000, 3));
  });

  it("finished without usage (OpenAI include_usage missing, or cut before the usage chunk): the estimate, not 0", () => {
    expect(streamUsage(end({ stopReason: "end_turn", sawContent: true, done: true }, { contentEvents: 12 }), BODY)).toEqual(usage(1_000, 12));
  });

  it("cut after content: input as reported, output the larger of reported and content events", () => {
    expect(streamUsage(end({ usage: usage(500, 1), sawContent: true }, { contentEvents: 7 }), BODY)).toEqual(usage(500, 7));
  });

  it("accepted, then cut or timed out before any content: the input estimate, not 0", () => {
    expect(streamUsage(end({}, { cut: "the upstream sent nothing for 120000 ms" }), BODY)).toEqual(usage(1_000, 0));
  });

  it("the upstream's own error event before any content, nothing reported: 0 (it says it did no work)", () => {
    expect(streamUsage(end({ upstreamError: { type: "overloaded_error", message: "Overloaded", retryable: true }, done: true }, { errorInStream: true }), BODY)).toEqual(NONE);
  });
});

describe("what a non-streamed answer is billed", () => {
  it("with usage: as reported", () => {
    expect(answerUsage(usage(120_000, 40), BODY, 900)).toEqual(usage(120_000, 40));
  });

  it("without usage: estimated from the request's and the answer's sizes, not 0", () => {
    expect(answerUsage(NONE, BODY, 900)).toEqual(usage(1_000, 300));
  });
});
