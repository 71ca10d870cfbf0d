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

const user = (content: unknown) => ({ messages: [{ role: "user", content }] });
const afterAssistant = (content: unknown) => ({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content }] });

/**
 * For each `drop` row: the same request without the dropped field, written out (over the
 * direction's base request). Translating the row's example must give exactly this request's
 * translation; a drop row without an entry here fails the suite.
 */
const WITHOUT: Record<string, Record<string, unknown>> = {
  "metadata.*": {},
  "thinking.type=adaptive": {},
  "thinking.type=<unknown>": {},
  "thinking.display": { thinking: { type: "adaptive" } },
  "output_config.*": {},
  context_management: {},
  cache_control: { system: [{ type: "text", text: "S" }], ...user([{ type: "text", text: "hi" }]) },
  top_k: {},
  "tools[].<other keys>": { tools: [{ name: "f", input_schema: { type: "object" } }] },
  "messages[].content[].type=thinking": afterAssistant([{ type: "text", text: "a" }]),
  "messages[].content[].type=redacted_thinking": afterAssistant([{ type: "text", text: "a" }]),
  "messages[].content[].citations": user([{ type: "document", source: { type: "text", media_type: "text/plain", data: "D" } }]),
  "messages[].name": user("hi"),
  "messages[].reasoning": { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "a" }] },
  "presence_penalty|frequency_penalty": {},
  seed: {},
  "logprobs|top_logprobs|logit_bias": {},
  "store|metadata": {},
  "stream_options|prompt_cache_key|prompt_cache_retention": {},
  "*": {},
};
/** `<unknown>` blocks differ per direction: an assistant's server_tool_use, a user's future part. */
const WITHOUT_UNKNOWN: Record<string, Record<string, unknown>> = {
  "Anthropic → Chat Completions": afterAssistant([{ type: "text", text: "a" }]),
  "Chat Completions → Anthropic": user([{ type: "text", text: "hi" }]),
};

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
          const without = rule.field === "messages[].content[].type=<unknown>" ? WITHOUT_UNKNOWN[name] : WITHOUT[rule.field];
          if (without === undefined) throw new Error(`no WITHOUT entry for drop row ${rule.field}`);
          const reference = { ...base, ...without };
          expect(JSON.stringify(reference), "the example must carry the dropped field").not.toBe(JSON.stringify(req));
          expect(translate(req)).toEqual(translate(reference));
          return;
        }
        case "map": {
          const out = translate(req);
          // Every map row names what it becomes (the model row: the base request's own model).
          expect(rule.expect, "a map row needs `expect`").toBeDefined();
          expect(out).toMatchObject(rule.expect ?? {});
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
