// The requests of the never-refused test: one per (surface, route, documented optional field),
// built from the published request types kept in fixtures/ — OpenAI's OpenAPI document
// (fixtures/openai-openapi/) and the Anthropic SDK's MessageCreateParams
// (fixtures/anthropic-sdk-types/). Each request is a minimal valid body plus that one field,
// and the companions the provider itself demands with it (OpenAI refuses `stream_options`
// without `stream: true`; both refuse `tool_choice` without `tools`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./local-worker";

export type Surface = "chat" | "messages" | "responses";

export interface FieldCase {
  surface: Surface;
  path: string;
  /** pass-through (same wire shape upstream) or translated. */
  route: "pass-through" | "translated";
  model: string;
  field: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

interface OpenAiExtract {
  commit: string;
  schemas: Record<"CreateChatCompletionRequest" | "CreateResponse", { optional: Record<string, { example: unknown }> }>;
}
interface AnthropicExtract {
  sdk_version: string;
  required: string[];
  header_params: string[];
  optional: Record<string, { example: unknown; beta?: boolean }>;
}

const readJson = <T>(rel: string): T => JSON.parse(readFileSync(join(ROOT, rel), "utf8")) as T;
export const openaiExtract = () => readJson<OpenAiExtract>("fixtures/openai-openapi/request-fields.json");
export const anthropicExtract = () => readJson<AnthropicExtract>("fixtures/anthropic-sdk-types/message-create-params.json");

const OPENAI = "openai/gpt-4o-mini";
const ANTHROPIC = "anthropic/claude-sonnet-4-5";
// What the beta SDK would send in `anthropic-beta` for the beta-only fields.
const BETAS = "context-management-2025-06-27,mcp-client-2025-11-20,structured-outputs-2025-11-13,compact-2026-01-12";

const BASES: Record<Surface, (model: string) => Record<string, unknown>> = {
  chat: (model) => ({ model, messages: [{ role: "user", content: "Say hi" }] }),
  // max_tokens above the thinking example's budget_tokens (Anthropic requires it).
  messages: (model) => ({ model, max_tokens: 2048, messages: [{ role: "user", content: "Say hi" }] }),
  responses: (model) => ({ model, input: "Say hi" }),
};

/** Fields the provider refuses unless another one comes with it: the field → what to add. */
function companions(surface: Surface, field: string, tools: unknown): Record<string, unknown> {
  if (field === "stream_options") return { stream: true };
  if (surface === "chat" && field === "top_logprobs") return { logprobs: true };
  if (surface === "chat" && field === "function_call") return { functions: openaiExtract().schemas.CreateChatCompletionRequest.optional.functions?.example };
  if (["tool_choice", "parallel_tool_calls", "max_tool_calls"].includes(field)) return { tools };
  return {};
}

function casesFor(surface: Surface, path: string, optional: Record<string, { example: unknown; beta?: boolean }>, routes: [FieldCase["route"], string][]): FieldCase[] {
  const out: FieldCase[] = [];
  const tools = optional.tools?.example;
  for (const [route, model] of routes) {
    for (const [field, { example, beta }] of Object.entries(optional)) {
      // `model` and `input` are optional in CreateResponse, but every base request carries them.
      if (field in BASES[surface](model)) continue;
      out.push({
        surface,
        path,
        route,
        model,
        field,
        body: { ...BASES[surface](model), ...companions(surface, field, tools), [field]: example },
        headers: beta ? { "anthropic-beta": BETAS } : {},
      });
    }
  }
  return out;
}

export function chatCases(): FieldCase[] {
  const fields = openaiExtract().schemas.CreateChatCompletionRequest.optional;
  return casesFor("chat", "/v1/chat/completions", fields, [["pass-through", OPENAI], ["translated", ANTHROPIC]]);
}

export function responsesCases(): FieldCase[] {
  const fields = openaiExtract().schemas.CreateResponse.optional;
  return casesFor("responses", "/v1/responses", fields, [["pass-through", OPENAI], ["translated", ANTHROPIC]]);
}

export function messagesCases(): FieldCase[] {
  const fields = anthropicExtract().optional;
  return casesFor("messages", "/v1/messages", fields, [["pass-through", ANTHROPIC], ["translated", OPENAI]]);
}

/** True once the spec declares `POST /v1/responses` (another part of issue 14 adds it). */
export function responsesSurfaceDeclared(): boolean {
  return /^\s+\/v1\/responses:\s*$/m.test(readFileSync(join(ROOT, "generated/openapi/openapi.yaml"), "utf8"));
}
