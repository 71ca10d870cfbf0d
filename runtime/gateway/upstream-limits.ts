// The other half of a true worst case: what goes upstream must not be able to cost more than
// what was held. So the body forwarded carries one output limit — the one the bound was
// computed with — in every limit field the host might honour, and every provider-run tool
// that accepts `max_uses` carries the number of uses that was priced.
import type { ProviderEntry, WireFormat } from "../../generated/providers/catalog";
import { isRecord } from "../translate/json";
import { toolKind } from "./worst-case";

/** Output-limit fields per native shape; the first is the one written when the body carries none (openai: the provider's own). */
const LIMIT_FIELDS: Readonly<Record<WireFormat, readonly string[]>> = {
  anthropic: ["max_tokens"],
  openai: ["max_tokens", "max_completion_tokens"],
  responses: ["max_output_tokens"],
};

/**
 * `body` (already in the native shape) with `outputLimit` in each limit field it carries —
 * or, when it carries none, in the one the provider reads, unless the limit is the model's own
 * maximum (then the model stops there anyway and the body keeps its shape) — and `max_uses` on
 * provider-run tools that set none. The body given is not changed.
 */
export function limitUpstream(
  body: Record<string, unknown>,
  native: WireFormat,
  outputLimit: number,
  provider: ProviderEntry,
  modelMaxOutput: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  const present = LIMIT_FIELDS[native].filter((f) => out[f] !== undefined && out[f] !== null);
  const needed = present.length > 0 || outputLimit < modelMaxOutput;
  const fields = present.length > 0 ? present : needed ? [native === "openai" ? provider.max_tokens_field : (LIMIT_FIELDS[native][0] ?? "max_tokens")] : [];
  for (const f of fields) out[f] = outputLimit;
  if (Array.isArray(out.tools)) out.tools = out.tools.map((t: unknown) => withMaxUses(t, provider));
  return out;
}

function withMaxUses(tool: unknown, provider: ProviderEntry): unknown {
  if (!isRecord(tool) || typeof tool["type"] !== "string" || tool["max_uses"] !== undefined) return tool;
  const kind = toolKind(tool["type"]);
  const fee = Object.hasOwn(provider.server_tools, kind) ? provider.server_tools[kind] : undefined;
  return fee?.sets_max_uses ? { ...tool, max_uses: fee.default_max_uses } : tool;
}
