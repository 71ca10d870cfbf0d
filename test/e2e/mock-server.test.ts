import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iterateSse, SseParser, type SseMessage } from "../../generated/client/sse";
import { mockFetch } from "../../runtime/gateway/mock-provider";
import { createStreamTranslator } from "../../runtime/translate";
import { freePort, ROOT } from "./project-copy";

// `npm run mock`: Prism serves the generated OpenAPI with the spec's examples, so
// integrators can build against Gatehouse without running it. The examples must not
// mislead: streams are real event streams, errors have their real shapes, and no example
// carries a field the API never sends.

type Json = Record<string, unknown>;
const openapi = parseYaml(readFileSync(join(ROOT, "generated/openapi/openapi.yaml"), "utf8")) as Json;
const paths = openapi["paths"] as Record<string, Record<string, Json>>;

/** Every operation: method, path and its OpenAPI object. */
function operations(): Array<{ method: string; path: string; op: Json }> {
  const out: Array<{ method: string; path: string; op: Json }> = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) if (typeof op === "object" && op !== null && "responses" in op) out.push({ method, path, op });
  }
  return out;
}

const byId = (id: string) => {
  const found = operations().find((o) => o.op["operationId"] === id);
  if (!found) throw new Error(`no operation ${id} in the OpenAPI document`);
  return found.op;
};

describe("npm run mock (Prism)", () => {
  let child: ChildProcess;
  let base: string;
  const key = { "x-api-key": "qlk_test_example", "content-type": "application/json" };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn("npx", ["prism", "mock", "generated/openapi/openapi.yaml", "--port", String(port), "--host", "127.0.0.1"], {
      cwd: ROOT,
      stdio: "ignore",
      detached: true,
    });
    for (let i = 0; i < 600; i++) {
      try {
        await fetch(`${base}/v1/health`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error("prism did not start");
  }, 90_000);

  afterAll(() => {
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
  });

  it("answers with the spec's examples and checks auth and bodies like the spec says", async () => {
    expect(await (await fetch(`${base}/v1/health`)).json()).toEqual({ status: "ok", version: "0.1.0", time: 1763900000000 });
    const created = await fetch(`${base}/v1/keys`, { method: "POST", headers: key, body: JSON.stringify({ name: "alice" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ secret: expect.stringMatching(/^qlk_(live|test)_/), scope: "standard" });
    const invalid = await fetch(`${base}/v1/keys`, { method: "POST", headers: key, body: JSON.stringify({ name: 42 }) });
    expect(invalid.status).toBe(400); // the spec declares 400 for bad bodies
    expect((await fetch(`${base}/v1/models`)).status).toBe(401);
  });

  /** Posts a streaming request and reads the answer with the client's (the one shared) SSE parser. */
  async function stream(path: string, body: Json): Promise<SseMessage[]> {
    const res = await fetch(`${base}${path}`, { method: "POST", headers: { ...key, accept: "text/event-stream" }, body: JSON.stringify({ ...body, stream: true }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events: SseMessage[] = [];
    for await (const e of iterateSse(res.body as ReadableStream<Uint8Array>)) events.push(e);
    expect(events.some((e) => e.unterminated)).toBe(false);
    return events;
  }

  it("streams real Anthropic events on /v1/messages: message_start … message_stop, each data its event's JSON", async () => {
    const events = await stream("/v1/messages", { model: "mock/echo", max_tokens: 64, messages: [{ role: "user", content: "Hello" }] });
    expect(events.map((e) => e.event)).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    for (const e of events) expect((JSON.parse(e.data) as Json)["type"]).toBe(e.event);
    const text = events.map((e) => JSON.parse(e.data) as { delta?: { text?: string } }).map((d) => d.delta?.text ?? "").join("");
    expect(text).toBe("Hello");
  });

  it("streams OpenAI chunks on /v1/chat/completions, usage in the last, then data: [DONE]", async () => {
    const events = await stream("/v1/chat/completions", { model: "mock/echo", messages: [{ role: "user", content: "Hello" }] });
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { object: string; choices: Array<{ delta: { content?: string } }>; usage?: Json });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(c.object).toBe("chat.completion.chunk");
    expect(chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? "")).join("")).toBe("Hello");
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it("streams Responses events on /v1/responses, response.created … response.completed", async () => {
    const events = await stream("/v1/responses", { model: "mock/echo", input: "Hello" });
    expect(events[0]?.event).toBe("response.created");
    expect(events.at(-1)?.event).toBe("response.completed");
    events.forEach((e, i) => {
      const data = JSON.parse(e.data) as { type: string; sequence_number: number };
      expect(data.type).toBe(e.event);
      expect(data.sequence_number).toBe(i);
    });
  });

  it("streams a thread turn: qlaud.iteration_start, the round's Anthropic events, qlaud.done", async () => {
    const events = await stream("/v1/threads/0b8f3c2e-5d7a-4e1b-9c6f-2a4d8e0f1b3c/messages", { model: "mock/echo", max_tokens: 64, content: "Hello" });
    expect(events[0]).toMatchObject({ event: "qlaud.iteration_start", data: '{"iteration":1}' });
    expect(events.map((e) => e.event)).toContain("message_stop");
    const done = events.at(-1) as SseMessage;
    expect(done.event).toBe("qlaud.done");
    expect(Object.keys(JSON.parse(done.data) as Json).sort()).toEqual(["cost_micros", "hit_max_iterations", "iterations", "seq"]);
  });

  it("answers a requested 429 with the error envelope and Retry-After, in each route's own shape", async () => {
    const prefer = (code: number) => ({ ...key, prefer: `code=${code}` });
    const own = await fetch(`${base}/v1/keys`, { method: "POST", headers: prefer(429), body: JSON.stringify({ name: "alice" }) });
    expect(own.status).toBe(429);
    expect(own.headers.get("retry-after")).toBe("60");
    expect(await own.json()).toEqual({ error: { type: "rate_limit_error", message: expect.stringMatching(/retry after 60 seconds/), retry_after_seconds: 60 } });

    const message = { model: "mock/echo", max_tokens: 64, messages: [{ role: "user", content: "Hello" }] };
    const anthropic = await fetch(`${base}/v1/messages`, { method: "POST", headers: prefer(429), body: JSON.stringify(message) });
    expect(anthropic.status).toBe(429);
    expect(await anthropic.json()).toEqual({ type: "error", error: { type: "rate_limit_error", message: expect.any(String) } });

    const openai = await fetch(`${base}/v1/chat/completions`, { method: "POST", headers: prefer(529), body: JSON.stringify(message) });
    expect(openai.status).toBe(529);
    expect(await openai.json()).toEqual({ error: { message: expect.any(String), type: "server_error", code: "overloaded_error", param: null } });

    const turn = await fetch(`${base}/v1/threads/0b8f3c2e-5d7a-4e1b-9c6f-2a4d8e0f1b3c/messages`, { method: "POST", headers: prefer(502), body: JSON.stringify({ model: "mock/echo", max_tokens: 64, content: "Hello" }) });
    expect(turn.status).toBe(502);
    expect(await turn.json()).toEqual({ error: { type: "api_error", message: expect.any(String) } });
  });

  it("sends the gateway headers with example values, not the word 'string'", async () => {
    const res = await fetch(`${base}/v1/messages`, { method: "POST", headers: key, body: JSON.stringify({ model: "mock/echo", max_tokens: 64, messages: [{ role: "user", content: "Hello" }] }) });
    expect(res.headers.get("x-qlaud-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers.get("x-qlaud-provider")).toBe("mock");
    const body = (await res.json()) as Json;
    expect(body).not.toHaveProperty("requestId");
    expect(body).not.toHaveProperty("provider");
  });
});

describe("the OpenAPI document's examples and declared errors", () => {
  const ID = "https://gatehouse.invalid/openapi.json";
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...openapi, $id: ID });
  const pointer = (segments: Array<string | number>) => segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

  /** Every example in the document: [where, the schema's JSON pointer, the example]. */
  function examples(): Array<[string, string, unknown]> {
    const out: Array<[string, string, unknown]> = [];
    const walk = (node: unknown, at: Array<string | number>): void => {
      if (Array.isArray(node)) return node.forEach((x, i) => walk(x, [...at, i]));
      if (typeof node !== "object" || node === null) return;
      const obj = node as Json;
      const isSchemaNode = ["type", "$ref", "allOf", "anyOf", "oneOf", "properties"].some((k) => k in obj);
      // A schema's own `examples` (and `example`), or a media type's / parameter's / header's `example` for its `schema`.
      if (isSchemaNode && Array.isArray(obj["examples"])) (obj["examples"] as unknown[]).forEach((x) => out.push([pointer(at), pointer(at), x]));
      if (isSchemaNode && "example" in obj) out.push([pointer(at), pointer(at), obj["example"]]);
      if (!isSchemaNode && "schema" in obj && "example" in obj) out.push([pointer(at), pointer([...at, "schema"]), obj["example"]]);
      for (const [k, v] of Object.entries(obj)) if (k !== "examples" && k !== "example") walk(v, [...at, k]);
    };
    walk(openapi, []);
    return out;
  }

  it("every example validates against its schema (closed objects stay closed: no field the API never sends)", () => {
    const all = examples();
    expect(all.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const [where, schemaAt, example] of all) {
      const validate = ajv.getSchema(`${ID}#${schemaAt}`);
      if (!validate) throw new Error(`cannot compile the schema at ${schemaAt}`);
      if (!validate(example)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
  });

  it("the strict check catches a field the schema does not declare", () => {
    const validate = ajv.getSchema(`${ID}#/components/schemas/ErrorEnvelope`);
    expect(validate?.({ error: { type: "api_error", message: "x" } })).toBe(true);
    expect(validate?.({ error: { type: "api_error", message: "x", requestId: "req_1" } })).toBe(false);
  });

  it("every text/event-stream example is a well-formed stream of JSON events", () => {
    let streams = 0;
    for (const { op } of operations()) {
      for (const res of Object.values(op["responses"] as Record<string, Json>)) {
        const media = (res["content"] as Record<string, Json> | undefined)?.["text/event-stream"];
        if (!media) continue;
        const schema = media["schema"] as Json;
        const ref = schema["$ref"] as string | undefined;
        const resolved = ref ? ((openapi["components"] as Json)["schemas"] as Record<string, Json>)[ref.split("/").at(-1) as string] : schema;
        const text = (resolved?.["examples"] as string[] | undefined)?.[0];
        expect(text, `${String(op["operationId"])}: a text/event-stream example`).toEqual(expect.any(String));
        const events: Array<[string, string]> = [];
        const p = new SseParser((event, data) => events.push([event, data]));
        p.push(text as string);
        p.end();
        expect(p.unterminated, `${String(op["operationId"])}: its example ends with a blank line`).toBe(false);
        expect(events.length).toBeGreaterThan(2);
        for (const [event, data] of events) {
          if (data === "[DONE]") continue;
          const parsed = JSON.parse(data) as Json;
          if (event !== "" && !event.startsWith("qlaud.")) expect(parsed["type"], `${String(op["operationId"])}: ${event}`).toBe(event);
        }
        streams++;
      }
    }
    expect(streams).toBe(4);
  });

  it("the stream examples are what Gatehouse sends for mock/echo: same events, same JSON shapes", async () => {
    /** A JSON value's shape: the same keys and value types, `type` values kept, other values dropped. */
    const shape = (v: unknown, key = ""): unknown => {
      if (Array.isArray(v)) return v.map((x) => shape(x));
      if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, k)]));
      return key === "type" ? v : v === null ? null : typeof v;
    };
    const eventsOf = (text: string) => {
      const out: Array<[string, unknown]> = [];
      const p = new SseParser((event, data) => out.push([event, data === "[DONE]" ? data : shape(JSON.parse(data))]));
      p.push(text);
      p.end();
      return out;
    };
    const schemas = (openapi["components"] as Json)["schemas"] as Record<string, { examples?: string[] } | undefined>;
    const exampleOf = (name: string): string => {
      const text = schemas[name]?.examples?.[0];
      if (text === undefined) throw new Error(`components.schemas.${name} has no example`);
      return text;
    };
    const request = { model: "echo", max_tokens: 64, messages: [{ role: "user", content: "Hello" }], stream: true, stream_options: { include_usage: true } };
    const rendered = async (shape: "openai" | "anthropic") => (await mockFetch(shape, "echo", request, new AbortController().signal, { faults: false })).text();
    const openai = await rendered("openai");
    const anthropic = await rendered("anthropic");
    const translator = createStreamTranslator("openai", "responses", { model: "mock/echo" });
    const responses = translator.push(openai) + translator.end();
    expect(eventsOf(exampleOf("ChatCompletionStreamBody"))).toEqual(eventsOf(openai));
    expect(eventsOf(exampleOf("AnthropicEventStreamBody"))).toEqual(eventsOf(anthropic));
    expect(eventsOf(exampleOf("ResponseStreamBody"))).toEqual(eventsOf(responses));
    const turn = eventsOf(exampleOf("ThreadTurnStreamBody"));
    expect(turn.slice(1, -1)).toEqual(eventsOf(anthropic));
  });

  it("authenticated routes declare 429 and 500; gateway routes the provider's 502, 503, 504 and 529 too; no JSON error without an example", () => {
    for (const { method, path, op } of operations()) {
      const responses = op["responses"] as Record<string, Json>;
      const where = `${method.toUpperCase()} ${path}`;
      if ("401" in responses && (responses["401"]["content"] as Json | undefined)?.["application/json"]) {
        expect(Object.keys(responses), `${where} declares 429 and 500`).toEqual(expect.arrayContaining(["429", "500"]));
      }
      for (const [status, res] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const media = (res["content"] as Record<string, Json> | undefined)?.["application/json"];
        if (!media) continue;
        const schema = media["schema"] as Json;
        const ref = schema["$ref"] as string | undefined;
        const resolved = ref ? ((openapi["components"] as Json)["schemas"] as Record<string, Json>)[ref.split("/").at(-1) as string] : schema;
        const hasExample = "example" in media || Array.isArray(resolved?.["examples"]);
        expect(hasExample, `${where} ${status} has an example body`).toBe(true);
      }
    }
    for (const id of ["createMessage", "createChatCompletion", "createResponse", "createThreadMessage"]) {
      expect(Object.keys(byId(id)["responses"] as Json), id).toEqual(expect.arrayContaining(["402", "429", "500", "502", "503", "529"]));
    }
    expect(byId("createMessage")["responses"]).toHaveProperty("504");
  });
});
