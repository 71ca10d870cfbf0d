import { describe, expectTypeOf, it } from "vitest";
import type {
  APIPromise,
  ChatCompletionChunk,
  ChatCompletionStream,
  components,
  Gatehouse,
  MessageStream,
  MessageStreamEvent,
  PagePromise,
  ResponseStream,
  ResponseStreamEvent,
  StreamMessage,
  ThreadTurnStream,
  QlaudStreamEvent,
} from "../../../generated/client/index";

// Type-level: `tsc --noEmit` (npm run typecheck, CI) compiles the functions below, which are
// never run. They hold requests shaped as the official SDKs' documentation writes them: the
// open objects of the API types (tools, tool_choice, thinking, metadata, content parts,
// stream_options, response_format, reasoning, …) must accept them, and a non-streaming method
// must refuse `stream: true`.

type S = components["schemas"];
type Items<T> = T extends AsyncIterable<infer I> ? I : never;

/** Anthropic Messages: tools with input_schema, tool_choice, thinking, metadata, image/document blocks, cache_control. */
export async function anthropicRequests(gh: Gatehouse): Promise<void> {
  const message = await gh.messages.create({
    model: "anthropic/claude-sonnet-4-5",
    max_tokens: 16000,
    system: [{ type: "text", text: "You are a meteorologist.", cache_control: { type: "ephemeral" } }],
    tools: [
      {
        name: "get_weather",
        description: "Get the current weather in a given location",
        input_schema: {
          type: "object",
          properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
          required: ["location"],
        },
        cache_control: { type: "ephemeral" },
      },
    ],
    tool_choice: { type: "tool", name: "get_weather" },
    thinking: { type: "enabled", budget_tokens: 10000 },
    metadata: { user_id: "13803d75-b4b5-4c3e-b2a2-6f21399b021b" },
    messages: [
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQSkZJRg==" } },
          { type: "image", source: { type: "url", url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg" } },
          { type: "document", source: { type: "url", url: "https://assets.anthropic.com/m/1cd9d098ac3e6467/original/Claude-3-Model-Card-October-Addendum.pdf" }, cache_control: { type: "ephemeral" } },
          { type: "text", text: "What is the weather like where this photo was taken?" },
        ],
      },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", input: { location: "San Francisco, CA" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01A09q90qw90lq917835lq9", content: "15 degrees" }] },
    ],
    temperature: 1,
    stop_sequences: ["\n\nHuman:"],
  });
  expectTypeOf(message).toEqualTypeOf<S["AnthropicMessage"]>();
  expectTypeOf(message.content[0]!.type).toEqualTypeOf<string>();
  await gh.messages.create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "Hello, Claude" }], tool_choice: { type: "auto", disable_parallel_tool_use: true } });
  await gh.messages.countTokens({ model: "m", messages: [{ role: "user", content: "Hello" }], tools: [{ name: "t", input_schema: { type: "object" } }] });
}

/** OpenAI Chat Completions: function tools with parameters, tool_choice objects, response_format json_schema, image_url parts, stream_options. */
export async function openaiChatRequests(gh: Gatehouse): Promise<void> {
  const completion = await gh.chat.completions.create({
    model: "openai/gpt-4o",
    messages: [
      { role: "developer", content: "You are a helpful assistant." },
      {
        role: "user",
        content: [
          { type: "text", text: "What's in this image?" },
          { type: "image_url", image_url: { url: "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg", detail: "low" } },
        ],
      },
      { role: "assistant", content: null, tool_calls: [{ id: "call_abc123", type: "function", function: { name: "get_current_weather", arguments: '{"location":"Boston, MA"}' } }] },
      { role: "tool", tool_call_id: "call_abc123", content: '{"temperature": 22}' },
    ],
    tools: [
      {
        type: "function",
        function: {
          name: "get_current_weather",
          description: "Get the current weather in a given location",
          parameters: { type: "object", properties: { location: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["location"], additionalProperties: false },
          strict: true,
        },
      },
    ],
    tool_choice: { type: "function", function: { name: "get_current_weather" } },
    response_format: {
      type: "json_schema",
      json_schema: { name: "weather", strict: true, schema: { type: "object", properties: { temperature: { type: "number" } }, required: ["temperature"], additionalProperties: false } },
    },
    max_completion_tokens: 300,
    reasoning_effort: "low",
    user: "user-1234",
  });
  expectTypeOf(completion).toEqualTypeOf<S["ChatCompletion"]>();
  const first = completion.choices[0]!.message;
  expectTypeOf(first.content).toEqualTypeOf<unknown>(); // an open object: any field reads, none is refused
  await gh.chat.completions.create({ model: "m", messages: [{ role: "user", content: "Hello!" }], tool_choice: "auto", stop: ["\n"], stream_options: null });

  const stream = gh.chat.completions.stream({ model: "m", messages: [{ role: "user", content: "Hello!" }], stream_options: { include_usage: true } });
  expectTypeOf(stream).toEqualTypeOf<ChatCompletionStream>();
  expectTypeOf<Items<typeof stream>>().toEqualTypeOf<ChatCompletionChunk>();
  expectTypeOf(await stream.finalChatCompletion()).toEqualTypeOf<S["ChatCompletion"]>();
}

/** OpenAI Responses: input items with parts, reasoning, function and hosted tools. */
export async function openaiResponsesRequests(gh: Gatehouse): Promise<void> {
  const response = await gh.responses.create({
    model: "openai/gpt-4.1",
    instructions: "Talk like a pirate.",
    input: [
      {
        role: "user",
        content: [
          { type: "input_text", text: "what's in this image?" },
          { type: "input_image", image_url: "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg" },
        ],
      },
      { type: "function_call_output", call_id: "call_1", output: '{"temperature": 22}' },
    ],
    reasoning: { effort: "medium", summary: "auto" },
    tools: [
      { type: "function", name: "get_weather", description: "Get current temperature for a given location.", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"], additionalProperties: false }, strict: true },
      { type: "web_search_preview" },
    ],
    text: { format: { type: "json_schema", name: "answer", schema: { type: "object", properties: {} }, strict: true } },
  });
  expectTypeOf(response).toEqualTypeOf<S["ResponseObject"]>();
  await gh.responses.create({ model: "m", input: "Tell me a three sentence bedtime story about a unicorn." });
  expectTypeOf<Items<ReturnType<Gatehouse["responses"]["stream"]>>>().toEqualTypeOf<ResponseStreamEvent>();
  expectTypeOf<ReturnType<Gatehouse["responses"]["stream"]>>().toEqualTypeOf<ResponseStream>();
}

/** `stream: true` never type-checks as the JSON method; the resource's `create` overload answers the stream. */
export async function streamingIsTyped(gh: Gatehouse): Promise<void> {
  const body = { model: "m", max_tokens: 8, messages: [{ role: "user" as const, content: "hi" }] };
  // @ts-expect-error: the operationId method answers JSON; a stream is createMessageStream / messages.stream
  await gh.createMessage({ body: { ...body, stream: true } });
  // @ts-expect-error: the same for chat completions
  await gh.createChatCompletion({ body: { model: "m", messages: [], stream: true } });
  expectTypeOf(gh.messages.create({ ...body, stream: true })).toEqualTypeOf<APIPromise<MessageStream>>();
  expectTypeOf(gh.messages.create({ ...body, stream: false })).toEqualTypeOf<APIPromise<S["AnthropicMessage"]>>();
  expectTypeOf(gh.messages.create(body)).toEqualTypeOf<APIPromise<S["AnthropicMessage"]>>();
  expectTypeOf(gh.createMessage({ body })).toEqualTypeOf<APIPromise<S["AnthropicMessage"]>>();
  expectTypeOf(gh.createMessageStream({ body })).toEqualTypeOf<MessageStream>();
  expectTypeOf<Items<MessageStream>>().toEqualTypeOf<MessageStreamEvent>();
  expectTypeOf(await gh.messages.stream(body).finalMessage()).toEqualTypeOf<StreamMessage>();
  expectTypeOf(gh.threads.messages.stream("th1", { model: "m", max_tokens: 8, content: "hi" })).toEqualTypeOf<ThreadTurnStream<QlaudStreamEvent>>();
}

/** Resource methods: path parameters positional, then the body or the query; lists are PagePromises. */
export async function resourceCalls(gh: Gatehouse): Promise<void> {
  const key = await gh.keys.create({ name: "alice", scope: "standard", end_user_id: "u1", max_spend_usd: 5 });
  expectTypeOf(key).toEqualTypeOf<S["CreatedApiKey"]>();
  await gh.keys.update(key.id, { name: "bob" });
  await gh.keys.revoke(key.id);
  expectTypeOf(gh.keys.list()).toEqualTypeOf<PagePromise<Awaited<ReturnType<Gatehouse["listKeys"]>>, S["ApiKey"]>>();
  expectTypeOf((await gh.keys.list()).data).toEqualTypeOf<S["ApiKey"][]>();
  for await (const k of gh.keys.list()) expectTypeOf(k).toEqualTypeOf<S["ApiKey"]>();
  for await (const t of gh.threads.list({ end_user_id: "u1", limit: 10 })) expectTypeOf(t).toEqualTypeOf<S["Thread"]>();
  for await (const m of gh.threads.messages.list("th1", { order: "asc" })) expectTypeOf(m).toEqualTypeOf<S["ThreadMessage"]>();
  await gh.search({ q: "invoice" });
  // @ts-expect-error: a path parameter is required
  await gh.keys.revoke();
  // @ts-expect-error: the body is checked: `name` is required
  await gh.keys.create({ scope: "master" });
}

describe("request types", () => {
  it("are checked by tsc (this file's functions are never run)", () => {
    expectTypeOf(anthropicRequests).toBeFunction();
  });
});
