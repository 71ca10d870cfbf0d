// The agent loop end to end (issue 17), for the agent-*.test.ts files and the browser flow: the
// real Worker in workerd (local-worker.ts) with the mock agent model (runtime/gateway/mock-agent.ts),
// a local mock Linear (mock-vendor.ts, CONNECTOR_LINEAR_URL) and a webhook receiver that checks
// Gatehouse's signature itself; helpers to run a turn (whole or streamed), read the stored
// thread, connect an account through the hosted page's form, and check that a stored thread is
// one the next turn can continue (every tool_use answered, roles alternating).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { parseSse, type SseEvent } from "../support/gateway-harness";
import { hangupClientWorker } from "../support/hangup-client";
import { startLocalWorker, type LocalWorker } from "../support/local-worker";
import { startMockVendor, type MockVendor, type VendorReply } from "../support/mock-vendor";

export const MODEL = "mock/agent";
export const LINEAR_KEY = "lin_api_agentFlowTestKey0123456789";
export const ASK = 'Create a Linear ticket {"teamId":"T1","title":"Login broken"}';

/** What the mock Linear answers on /graphql: the viewer (the connect page's check) and a created issue. */
export const LINEAR_OK: VendorReply = {
  body: { data: { viewer: { id: "user-1", name: "Ada" }, issueCreate: { success: true, issue: { id: "iss-1", identifier: "ENG-42", url: "https://linear.app/x/issue/ENG-42" } } } },
};

export interface AgentWorld {
  worker: LocalWorker;
  linear: MockVendor;
  hooks: SigningReceiver;
  dispose(): Promise<void>;
}

/** `hangupClient`: also run test/support/hangup-client.ts's Worker (the one local path on which a client's hang-up reaches Gatehouse's request signal). */
export async function startAgentWorld(bindings: Record<string, string> = {}, opts: { hangupClient?: boolean } = {}): Promise<AgentWorld> {
  const [linear, hooks] = await Promise.all([startMockVendor(), startSigningReceiver()]);
  const worker = await startLocalWorker({
    bindings: {
      VAULT_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
      CONNECTOR_LINEAR_URL: linear.url,
      ...bindings,
    },
    ...(opts.hangupClient ? { workers: [hangupClientWorker()] } : {}),
  });
  linear.script("/graphql", LINEAR_OK);
  return {
    worker,
    linear,
    hooks,
    dispose: async () => {
      await worker.dispose();
      await Promise.all([linear.close(), hooks.close()]);
    },
  };
}

export interface Api {
  post(path: string, body: unknown, init?: RequestInit): Promise<Response>;
  get(path: string): Promise<Response>;
  createThread(endUserId: string | null): Promise<string>;
  /** A whole (non-streaming) turn; fails the test unless 200. */
  turn(threadId: string, body: Record<string, unknown>): Promise<{ body: TurnSummary; headers: Headers }>;
  /** A streamed turn read to its end. */
  streamTurn(threadId: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<StreamedTurn>;
  /** Every stored message of the thread, oldest first. */
  messages(threadId: string): Promise<StoredMessage[]>;
}

export interface TurnSummary {
  thread_id: string;
  seq: number;
  content: Block[];
  stop_reason: string | null;
  usage: { input_tokens: number; output_tokens: number };
  iterations: number;
  cost_micros: number;
}

export interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

export interface StoredMessage {
  seq: number;
  role: "user" | "assistant";
  content: Block[];
  request_id: string | null;
}

export interface StreamedTurn {
  status: number;
  headers: Headers;
  raw: string;
  events: SseEvent[];
  /** The events' names in order (`message_start`, `qlaud.done`, …). */
  names: string[];
  /** Parsed data of every event with this name. */
  data<T = Record<string, unknown>>(name: string): T[];
  /** Each round's text (text_delta concatenated per message_start). */
  texts: string[];
}

export function apiFor(worker: LocalWorker, key = worker.masterKey): Api {
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const api: Api = {
    post: (path, body, init = {}) => fetch(`${worker.url}${path}`, { method: "POST", headers, body: JSON.stringify(body), ...init }),
    get: (path) => fetch(`${worker.url}${path}`, { headers }),
    async createThread(endUserId) {
      const res = await api.post("/v1/threads", endUserId === null ? {} : { end_user_id: endUserId });
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    },
    async turn(threadId, body) {
      const res = await api.post(`/v1/threads/${threadId}/messages`, { model: MODEL, max_tokens: 512, ...body });
      expect(res.status, await res.clone().text()).toBe(200);
      return { body: (await res.json()) as TurnSummary, headers: res.headers };
    },
    async streamTurn(threadId, body, signal) {
      const res = await api.post(`/v1/threads/${threadId}/messages`, { model: MODEL, max_tokens: 512, stream: true, ...body }, signal ? { signal } : {});
      const raw = await res.text();
      return streamed(res.status, res.headers, raw);
    },
    async messages(threadId) {
      const out: StoredMessage[] = [];
      let after = 0;
      for (;;) {
        const res = await api.get(`/v1/threads/${threadId}/messages?order=asc&limit=100&after_seq=${after}`);
        expect(res.status, await res.clone().text()).toBe(200);
        const page = (await res.json()) as { data: StoredMessage[]; has_more: boolean; next_after_seq: number | null };
        out.push(...page.data);
        if (!page.has_more || page.next_after_seq === null) return out;
        after = page.next_after_seq;
      }
    },
  };
  return api;
}

export function streamed(status: number, headers: Headers, raw: string): StreamedTurn {
  const events = status === 200 ? parseSse(raw) : [];
  const texts: string[] = [];
  for (const e of events) {
    if (e.event === "message_start") texts.push("");
    if (e.event === "content_block_delta") {
      const d = JSON.parse(e.data) as { delta: { type: string; text?: string } };
      if (d.delta.type === "text_delta") texts[texts.length - 1] += d.delta.text ?? "";
    }
  }
  return {
    status,
    headers,
    raw,
    events,
    names: events.map((e) => e.event ?? ""),
    data: <T>(name: string) => events.filter((e) => e.event === name).map((e) => JSON.parse(e.data) as T),
    texts,
  };
}

/** The tool calls of a message's content. */
export const toolUses = (content: Block[]) => content.filter((b) => b.type === "tool_use");
export const textOf = (content: Block[]) => content.filter((b) => b.type === "text").map((b) => b.text).join("");

/** The URL an agent's text relays (the hosted connect page). */
export function connectUrlIn(text: string): string {
  const url = /https?:\/\/\S+\/connect\/[A-Za-z0-9_-]+/.exec(text)?.[0];
  if (!url) throw new Error(`no connect URL in: ${text}`);
  return url;
}

/** Submits the hosted connect page's form as a browser would (urlencoded), for the non-browser tests. */
export async function connectByForm(connectUrl: string, fields: Record<string, string>): Promise<Response> {
  const page = await fetch(connectUrl);
  expect(page.status).toBe(200);
  return fetch(connectUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

/**
 * A stored thread the next turn can continue: it starts with a user message, roles alternate,
 * no message is empty, and every tool_use is answered by a tool_result in the next message,
 * except the calls of the last assistant message when `openCalls` names them (the app's own).
 */
export function expectContinuable(messages: readonly StoredMessage[], openCalls: readonly string[] = []): void {
  expect(messages[0]?.role).toBe("user");
  messages.forEach((m, i) => {
    expect(m.seq, "seqs have no gaps").toBe((messages[0]?.seq ?? 1) + i);
    if (i > 0) expect(m.role, `seq ${m.seq} alternates`).not.toBe(messages[i - 1]!.role);
    expect(m.content.length, `seq ${m.seq} is not empty`).toBeGreaterThan(0);
    if (m.role !== "assistant") return;
    const ids = toolUses(m.content).map((b) => b.id);
    const next = messages[i + 1];
    const answered = new Set((next?.content ?? []).filter((b) => b.type === "tool_result").map((b) => b.tool_use_id));
    for (const id of ids) {
      if (next === undefined && openCalls.includes(id!)) continue;
      expect(answered.has(id), `tool_use ${id} at seq ${m.seq} has its tool_result`).toBe(true);
    }
  });
}

/** The text of a tool_result block (string content or text blocks). */
export function resultText(block: Block): string {
  if (typeof block.content === "string") return block.content;
  if (Array.isArray(block.content)) return (block.content as Block[]).map((b) => b.text ?? "").join("");
  return "";
}

export interface ReceivedHook {
  path: string;
  raw: string;
  timestamp: string;
  signature: string;
  /** Whether the signature matched HMAC-SHA256(secret, `${timestamp}.${raw}`) and the timestamp was fresh. */
  verified: boolean;
}

export interface SigningReceiver {
  url: string;
  /** The secret POST /v1/tools returned (shown once); until set every call is refused. */
  secret: string | null;
  received: ReceivedHook[];
  /** The JSON a verified call is answered with. */
  answer: unknown;
  close(): Promise<void>;
}

/**
 * A webhook tool's receiver that does what the docs ask of one: it recomputes
 * `X-Qlaud-Signature` over the raw body and refuses (401) a wrong signature or a timestamp more
 * than five minutes away, before it acts.
 */
export async function startSigningReceiver(): Promise<SigningReceiver> {
  const receiver: SigningReceiver = {
    url: "",
    secret: null,
    received: [],
    answer: { status: "shipped", carrier: "DHL" },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-qlaud-timestamp"] ?? "");
      const signature = String(req.headers["x-qlaud-signature"] ?? "");
      const verified = typeof receiver.secret === "string" && verifySignature(receiver.secret, timestamp, raw, signature);
      receiver.received.push({ path: req.url ?? "/", raw, timestamp, signature, verified });
      res.writeHead(verified ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(verified ? receiver.answer : { error: "bad signature" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

export function verifySignature(secret: string, timestamp: string, raw: string, header: string): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
