// One test per row of the translator's field policy (runtime/translate/field-policy.ts),
// driven through the public translate functions: a `map` row changes the translated request
// (and contains its `expect` fragment), a `drop` row leaves it exactly as without the field
// (and never refuses), a `refuse` row is a 400 naming the field with the row's reason.
import { describe, expect, it } from "vitest";
import { TranslateError, anthropicRequestToOpenAI, openAIRequestToAnthropic } from "../../../runtime/translate";
import { ANTHROPIC_TO_CHAT, CHAT_TO_ANTHROPIC, type FieldRule } from "../../../runtime/translate/field-policy";

type Translate = (req: Record<string, unknown>) => unknown;

const directions: Array<[string, readonly FieldRule[], Record<string, unknown>, Translate]> = [
  ["Anthropic → Chat Completions", ANTHROPIC_TO_CHAT, { model: "m", max_tokens: 1000, messages: [{ role: "user", content: "hi" }] }, (r) => anthropicRequestToOpenAI(r)],
  ["Chat Completions → Anthropic", CHAT_TO_ANTHROPIC, { model: "m", messages: [{ role: "user", content: "hi" }] }, (r) => openAIRequestToAnthropic(r)],
];

/** The request without the row's field: the example with that field's traces removed. */
function withoutField(base: Record<string, unknown>, example: Record<string, unknown>, rule: FieldRule): Record<string, unknown> {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip).filter((x) => x !== DROPPED);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    if (typeof o.type === "string" && DROPPED_BLOCKS.has(o.type)) return DROPPED;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) if (!DROPPED_KEYS.has(k) && !(k === "name" && rule.field === "messages[].name")) out[k] = strip(x);
    return out;
  };
  const req: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(example)) {
    if (DROPPED_KEYS.has(k)) continue;
    // A top-level field dropped whole (its key names the row) is simply absent without it.
    if (rule.field.split(/[.[|]/)[0] === k && !["messages", "tools", "system", "thinking", "output_config", "metadata"].includes(k)) continue;
    req[k] = strip(v);
  }
  if (rule.field === "thinking.type=<unknown>" || rule.field === "thinking.type=adaptive") delete req.thinking;
  if (rule.field === "metadata.*") delete req.metadata;
  if (rule.field === "output_config.*") delete req.output_config;
  return req;
}
const DROPPED = Symbol("dropped");
const DROPPED_KEYS = new Set(["cache_control", "display", "defer_loading", "citations", "trace", "verbosity"]);
const DROPPED_BLOCKS = new Set(["thinking", "redacted_thinking", "server_tool_use"]);

for (const [name, table, base, translate] of directions) {
  describe(`field policy: ${name}`, () => {
    it("names every field once", () => {
      const fields = table.map((r) => r.field);
      expect(new Set(fields).size).toBe(fields.length);
    });

    it.each(table.map((r) => [`${r.field} → ${r.action}`, r] as const))("%s", (_label, rule) => {
      const req = { ...base, ...rule.example };
      switch (rule.action) {
        case "refuse": {
          let err: unknown;
          try {
            translate(req);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(TranslateError);
          const te = err as TranslateError;
          expect(te.status).toBe(400);
          expect(te.message).toContain(rule.why);
          expect(te.param).toMatch(new RegExp(`^${rule.field.split(/[.[]/)[0]}`));
          return;
        }
        case "drop": {
          const out = translate(req);
          expect(out).toEqual(translate(withoutField(base, rule.example, rule)));
          return;
        }
        case "map": {
          const out = translate(req);
          if (rule.expect !== undefined) expect(out).toMatchObject(rule.expect);
          if (Object.keys(rule.example).length > 0) expect(out).not.toEqual(translate(base));
          return;
        }
        default: {
          const never: never = rule.action;
          throw new Error(`unknown action ${String(never)}`);
        }
      }
    });
  });
}
