// IR → the Responses API's `response` object: the whole answer of a non-streamed request, and
// the snapshot the stream's `response.created` / `response.completed` events carry.
import type { IrError, IrResponse, IrStop, TokenUsage } from "../ir";
import { itemId, outputItem, statusOf, usageToResponses, type OutputItem } from "./items";

export interface ResponsesRenderOptions {
  /** `resp_…`: the id a later `previous_response_id` names. */
  id: string;
  /** The model as the caller named it. */
  model: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Request fields the object echoes (instructions, tools, tool_choice, metadata, store, …), as OpenAI does. */
  echo: Readonly<Record<string, unknown>>;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** The fields OpenAI's object echoes from the request, with its defaults where the request set none. */
const ECHOED: ReadonlyArray<readonly [string, unknown]> = [
  ["instructions", null],
  ["max_output_tokens", null],
  ["metadata", {}],
  ["parallel_tool_calls", true],
  ["previous_response_id", null],
  ["reasoning", { effort: null, summary: null }],
  ["store", true],
  ["temperature", 1],
  ["text", { format: { type: "text" } }],
  ["tool_choice", "auto"],
  ["tools", []],
  ["top_p", 1],
  ["truncation", "disabled"],
  ["user", null],
];

export function responseObject(
  opts: ResponsesRenderOptions,
  state: { status: ResponseStatus; output: OutputItem[]; usage: TokenUsage | undefined; stop?: IrStop | undefined; error?: IrError | undefined },
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: opts.id,
    object: "response",
    created_at: opts.createdAt,
    status: state.status,
    error: state.error ? { code: state.error.type, message: state.error.message } : null,
    incomplete_details: state.status === "incomplete" ? statusOf(state.stop).incomplete_details : null,
    model: opts.model,
    output: state.output,
  };
  for (const [field, fallback] of ECHOED) {
    const v = opts.echo[field];
    out[field] = v === undefined ? fallback : v;
  }
  out.usage = state.usage ? usageToResponses(state.usage) : null;
  return out;
}

/** A whole IR answer as a `response` object. */
export function renderResponsesObject(ir: IrResponse, opts: ResponsesRenderOptions): Record<string, unknown> {
  const output = ir.content.map((block, i) => outputItem(block, itemId(opts.id, kindOf(block.type), i)));
  return responseObject(opts, { status: statusOf(ir.stop).status, output, usage: ir.usage, stop: ir.stop });
}

export function kindOf(type: IrResponse["content"][number]["type"]): "msg" | "fc" | "rs" {
  return type === "text" ? "msg" : type === "tool_use" ? "fc" : "rs";
}
