// Options shared by the streaming and non-streaming response translators.

import { toHex } from "../bytes";

export interface ResponseOptions {
  /** Model name to report to the client (e.g. the alias it asked for). Default: upstream's. */
  model?: string;
  /** The request's stop sequences, to report which one ended an OpenAI `stop` finish. */
  stopSequences?: readonly string[];
  /** Response id to report. Default: derived from the upstream id. */
  messageId?: string;
  /** `created` (epoch seconds) for OpenAI output. Default: now. */
  created?: number;
  /** Input tokens known before the stream starts, for Anthropic's message_start. Default 0. */
  inputTokens?: number;
  /** OpenAI output: end with a usage chunk (`choices: []`) as include_usage does. Default true. */
  includeUsage?: boolean;
}

/** A fresh id when neither the caller nor the upstream gave one. */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return prefix + toHex(bytes);
}

export function anthropicMessageId(opts: ResponseOptions, upstreamId: string | undefined): string {
  if (opts.messageId !== undefined) return opts.messageId;
  if (upstreamId === undefined || upstreamId === "") return randomId("msg_");
  return upstreamId.startsWith("msg_") ? upstreamId : `msg_${upstreamId}`;
}

export function openAICompletionId(opts: ResponseOptions, upstreamId: string | undefined): string {
  if (opts.messageId !== undefined) return opts.messageId;
  if (upstreamId === undefined || upstreamId === "") return randomId("chatcmpl-");
  return upstreamId.startsWith("chatcmpl-") ? upstreamId : `chatcmpl-${upstreamId}`;
}
