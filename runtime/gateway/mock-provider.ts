// The built-in `mock` provider: deterministic answers in either wire shape, streaming or
// not, with usage — so `npm start` and integrators need no provider keys. It speaks OpenAI
// natively and renders Anthropic through the translator, like any translated upstream.
//   mock/echo   repeats the last user text (max_tokens truncates → finish "length")
//   mock/tools  calls the first tool with arguments built from its schema; after a tool
//               result, answers in text ("parallel" in the prompt calls two tools)
//   mock/agent  a scripted agent that plays the agent loop's flow (search → execute → relay a
//               connect URL → execute again → answer) from the conversation: mock-agent.ts
//   mock/flaky  injects failures named in the last user text: "status=503", "cut",
//               "garbage", "slow=20"; with none of them it answers 529 overloaded
// Fault injection exists for tests and local development. In production (`faults: false`)
// mock/flaky answers like mock/echo and "slow=" is ignored: a deployed Gatehouse must not let
// a caller fake upstream failures (which trigger fallback and error paths) or hold a request
// open for as long as it likes.
import type { WireFormat } from "../../generated/providers/catalog";
import { errorTypeForStatus } from "../translate/error-types";
import { planAgentReply } from "./mock-agent";
import {
  anthropicRequestToOpenAI,
  createStreamTranslator,
  openAIResponseToAnthropic,
  renderErrorBody,
  type ChatCompletionRequest,
} from "../translate";

export interface MockPlan {
  text: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finish: "stop" | "length" | "tool_calls";
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const CREATED = 1_763_900_000;

export interface MockOptions {
  /** mock/flaky's failures and "slow=" delays; off in production. */
  faults: boolean;
}

export async function mockFetch(shape: WireFormat, model: string, body: Record<string, unknown>, signal: AbortSignal, options: MockOptions): Promise<Response> {
  const req = (shape === "anthropic" ? anthropicRequestToOpenAI(body) : body) as ChatCompletionRequest;
  const lastUser = lastUserText(req);
  const flaky = model === "flaky" && options.faults;
  if (flaky) {
    const status = /status=(\d{3})/.exec(lastUser)?.[1];
    if (status || !/\b(cut|garbage|slow=\d+)\b/.test(lastUser)) {
      const code = Number(status ?? 529);
      return new Response(renderErrorBody(shape, { type: errorTypeForStatus(code), message: `mock/flaky injected HTTP ${code}` }), {
        status: code,
        headers: { "content-type": "application/json" },
      });
    }
    if (/\bgarbage\b/.test(lastUser)) return new Response("<html>502 Bad Gateway</html>", { status: 200, headers: { "content-type": req.stream ? "text/event-stream" : "application/json" } });
  }
  const plan = model === "agent" ? planAgentReply(req) : planReply(model, req, lastUser);
  const id = `chatcmpl-mock${plan.usage.prompt_tokens}x${plan.usage.completion_tokens}`;
  if (!req.stream) {
    const completion = {
      id,
      object: "chat.completion",
      created: CREATED,
      model: `mock/${model}`,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: plan.text,
            ...(plan.toolCalls.length ? { tool_calls: plan.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) } : {}),
          },
          finish_reason: plan.finish,
        },
      ],
      usage: plan.usage,
    };
    const out = shape === "anthropic" ? openAIResponseToAnthropic(completion, { model: `mock/${model}` }) : completion;
    return Response.json(out);
  }
  const chunks = streamChunks(id, `mock/${model}`, plan);
  const cut = flaky && /\bcut\b/.test(lastUser);
  const delay = options.faults ? Number(/slow=(\d+)/.exec(lastUser)?.[1] ?? 0) : 0;
  const translator = shape === "anthropic" ? createStreamTranslator("openai", "anthropic", { model: `mock/${model}` }) : null;
  const enc = new TextEncoder();
  const parts = cut ? chunks.slice(0, Math.max(2, Math.floor(chunks.length / 2))) : chunks;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    // Each pull must enqueue or finish: a pull that returns with nothing queued is not repeated.
    async pull(controller) {
      for (;;) {
        if (signal.aborted) return controller.error(signal.reason);
        if (i >= parts.length) {
          if (cut) return controller.error(new Error("mock/flaky cut the stream"));
          return controller.close();
        }
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const sse = parts[i++] as string;
        const text = translator ? translator.push(sse) + (i === parts.length && !cut ? translator.end() : "") : sse;
        if (text) return controller.enqueue(enc.encode(text));
      }
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}

function lastUserText(req: ChatCompletionRequest): string {
  const messages = (req.messages ?? []) as { role: string; content?: unknown }[];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === "user") return contentText(m.content);
  }
  return "";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === "object" && "text" in p && typeof p.text === "string" ? p.text : "")).join(" ");
  }
  return "";
}

function planReply(model: string, req: ChatCompletionRequest, lastUser: string): MockPlan {
  const messages = (req.messages ?? []) as { role: string; content?: unknown }[];
  const prompt = Math.max(1, Math.ceil(JSON.stringify(messages).length / 4));
  const tools = (req.tools ?? []) as { function?: { name?: string; parameters?: { properties?: Record<string, { type?: string }>; required?: string[] } } }[];
  const last = messages[messages.length - 1];
  if (model === "tools" && tools.length > 0 && last?.role !== "tool") {
    const chosen = /\bparallel\b/.test(lastUser) ? tools.slice(0, 2) : tools.slice(0, 1);
    const toolCalls = chosen.map((t, i) => ({
      id: `call_mock_${i}`,
      name: t.function?.name ?? "tool",
      arguments: JSON.stringify(sampleArgs(t.function?.parameters)),
    }));
    const out = toolCalls.reduce((n, c) => n + Math.ceil(c.arguments.length / 4), 0);
    return { text: null, toolCalls, finish: "tool_calls", usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out } };
  }
  const source = last?.role === "tool" ? `Tool result: ${contentText(last.content)}` : lastUser || "Hello from the Gatehouse mock provider.";
  const words = source.split(/(?<=\s)/).filter((w) => w !== "");
  const max = Number(req.max_completion_tokens ?? req.max_tokens ?? Infinity);
  const kept = words.slice(0, Math.max(1, Math.min(words.length, max)));
  const finish = kept.length < words.length ? "length" : "stop";
  return { text: kept.join(""), toolCalls: [], finish, usage: { prompt_tokens: prompt, completion_tokens: kept.length, total_tokens: prompt + kept.length } };
}

function sampleArgs(schema: { properties?: Record<string, { type?: string }>; required?: string[] } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema?.required ?? []) {
    const type = schema?.properties?.[name]?.type;
    out[name] = type === "number" || type === "integer" ? 1 : type === "boolean" ? true : type === "array" ? [] : type === "object" ? {} : `sample-${name}`;
  }
  return out;
}

/** The plan as OpenAI SSE events: role, one delta per word or argument piece, finish, usage, [DONE]. */
function streamChunks(id: string, model: string, plan: MockPlan): string[] {
  const chunk = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: CREATED, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  const out = [chunk({ role: "assistant", content: "" })];
  if (plan.text !== null) for (const w of plan.text.split(/(?<=\s)/)) if (w) out.push(chunk({ content: w }));
  plan.toolCalls.forEach((c, index) => {
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
    for (let i = 0; i < c.arguments.length; i += 8) out.push(chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(i, i + 8) } }] }));
  });
  out.push(chunk({}, plan.finish));
  out.push(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: CREATED, model, choices: [], usage: plan.usage })}\n\n`);
  out.push("data: [DONE]\n\n");
  return out;
}
