import { startLocalWorker } from "/work/main/test/support/local-worker.ts";
import { startUpstream, loadRecording } from "/work/main/test/support/upstream-server.ts";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";

const up = await startUpstream();
const t0 = Date.now();
const w = await startLocalWorker({ bindings: { UPSTREAM_OPENAI_URL: up.url + "/openai/v1", OPENAI_API_KEY: "sk-test", UPSTREAM_ANTHROPIC_URL: up.url + "/anthropic/v1", ANTHROPIC_API_KEY: "sk-ant-test" } });
console.log("start", Date.now() - t0);
const oa = new OpenAI({ baseURL: w.url + "/v1", apiKey: w.masterKey });
const an = new Anthropic({ baseURL: w.url, apiKey: w.masterKey });
up.enqueue({ path: "/openai", sse: loadRecording("openai/text-stream.sse") });
const s = await oa.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
let text = ""; let usage;
for await (const c of s) { text += c.choices[0]?.delta?.content ?? ""; if (c.usage) usage = c.usage; }
console.log(text, usage, JSON.stringify(up.calls.at(-1)));
up.enqueue({ path: "/openai", sse: loadRecording("openai/text-stream.sse") });
const m = await an.messages.stream({ model: "openai/gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }).finalMessage();
console.log(JSON.stringify(m), JSON.stringify(up.calls.at(-1)));
up.enqueue({ path: "/anthropic", sse: loadRecording("anthropic/tool-use-stream.sse") });
const s2 = await oa.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }], stream: true });
for await (const c of s2) console.log(JSON.stringify(c));
console.log(JSON.stringify(up.calls.at(-1)));
const r = await oa.chat.completions.create({ model: "mock/echo", messages: [{ role: "user", content: "hello there" }] }).withResponse();
console.log(JSON.stringify(r.data), [...r.response.headers]);
const led = w.mf.getDurableObjectNamespace("WALLET");
const ns = await led;
const stub = ns.get(ns.idFromName(w.tenantId));
// @ts-ignore
console.log(JSON.stringify(await stub.ledger({ limit: 100 })));
await w.dispose(); await up.close();
