// complete()'s IR events as a whole (non-streamed) answer in the caller's format.
import { renderResponse, responseFromEvents, UpstreamFormatError, type IrStreamEvent, type ResponseOptions, type WireFormat } from "../translate";
import type { EventBatch } from "./event-decoder";

export async function renderJson(surface: WireFormat, events: AsyncIterable<EventBatch>, opts: ResponseOptions): Promise<string> {
  const all: IrStreamEvent[] = [];
  for await (const batch of events) all.push(...batch);
  const ir = responseFromEvents(all);
  if (ir.error !== undefined) throw new UpstreamFormatError(ir.error.message);
  return JSON.stringify(renderResponse(surface, ir, opts));
}
