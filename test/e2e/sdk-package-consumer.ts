// The consumer program of test/e2e/sdk-package.test.ts: code an integrator would write in their
// own project, importing the packed @gatehouse/client (not this repo's sources). The test copies
// it into a fresh temp project, type-checks it (NodeNext and bundler resolution), compiles it
// and runs it with node against Prism and against the real Worker. It prints one JSON line of
// what it observed; the test asserts on that and on what the servers saw.
// Only Web APIs and globalThis: the same file type-checks without @types/node (DOM libs), and
// the same compiled file also runs in Chromium (the test's page maps the package's name to its dist).
// (Excluded from the repo's tsconfig: "@gatehouse/client" resolves only in the temp project.)
import {
  AuthenticationError,
  Gatehouse,
  GatehouseError,
  InsufficientFundsError,
  RateLimitError,
  type MessageStreamEvent,
} from "@gatehouse/client";

// Node: the environment. A browser page sets globalThis.GH_ENV before loading this module.
const host = globalThis as { process?: { env: Record<string, string | undefined> }; GH_ENV?: Record<string, string | undefined> };
const env = host.process?.env ?? host.GH_ENV ?? {};
function need(name: string): string {
  const v = env[name];
  if (!v) throw new Error(`sdk-package consumer: set ${name}`);
  return v;
}
const target = need("GH_TARGET") as "prism" | "worker";
const baseURL = need("GH_URL");
const retryURL = need("GH_RETRY_URL");
const masterKey = need("GH_KEY");
const report: Record<string, unknown> = { target };

const gh = new Gatehouse({ baseURL, apiKey: masterKey });

/** The error class's name, or "resolved" when the call did not throw. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; type?: string; base: boolean }> {
  try {
    await p;
    return { name: "resolved", base: false };
  } catch (e) {
    if (e instanceof GatehouseError) return { name: e.constructor.name, status: e.status, type: e.type, base: true };
    return { name: e instanceof Error ? `${e.name}: ${e.message}` : String(e), base: false };
  }
}

/** Reads a messages stream, typed: `ev.type` narrows `ev.delta`. Stops after `stopAfterText` text deltas when given. */
async function readStream(events: AsyncIterable<MessageStreamEvent>, stopAfterText?: number) {
  const types: string[] = [];
  let text = "";
  let deltas = 0;
  for await (const ev of events) {
    types.push(ev.type);
    if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") {
      text += ev.delta.text;
      deltas++;
      if (stopAfterText !== undefined && deltas >= stopAfterText) break; // must abort the request
    }
  }
  return { types, text, deltas };
}

/** Runs one scenario; a failure is recorded under its name (as `{ error }`) and the next one still runs. */
async function step(name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    report[name] = await fn();
  } catch (e) {
    report[name] = { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  }
}

// 1. Create and revoke a key (on the Worker, the revoked key is then refused).
await step("keys", async () => {
  const created = await gh.keys.create({ name: "sdk-package e2e", max_spend_usd: 1 });
  const { data: listed, response } = await gh.keys.list().withResponse();
  const revoked = await gh.keys.revoke(created.id);
  const former = new Gatehouse({ baseURL, apiKey: created.secret, maxRetries: 0 });
  return {
    secretPrefix: created.secret.slice(0, 9),
    listedCount: listed.data.length,
    listStatus: response.status,
    revoked: revoked.revoked,
    afterRevoke: target === "worker" ? await failure(former.models.list()) : undefined,
  };
});

// 2. A streamed message with typed events, then the whole message from finalMessage().
await step("stream", async () => {
  const stream = gh.messages.stream({ model: "mock/echo", max_tokens: 200, messages: [{ role: "user", content: "hello from a fresh project" }] });
  const read = await readStream(stream);
  const final = await stream.finalMessage();
  return { ...read, finalRole: final.role, finalText: final.content.map((b) => (typeof b.text === "string" ? b.text : "")).join("") };
});

// 3. `break` out of a slow stream: the SDK aborts the request (the test checks that the server saw it).
await step("break", async () => {
  const breakKey = await gh.keys.create({ name: "sdk-package break", max_spend_usd: 1 });
  const breaker = new Gatehouse({ baseURL, apiKey: breakKey.secret });
  const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");
  const slow = breaker.messages.stream({ model: "mock/flaky", max_tokens: 500, messages: [{ role: "user", content: `slow=150 ${words}` }] });
  const started = Date.now();
  const partial = await readStream(slow, 1);
  return { keyId: breakKey.id, deltas: partial.deltas, ms: Date.now() - started, aborted: slow.controller.signal.aborted };
});

// 4. A 429 with Retry-After in front of the server: retried after the delay, then answered;
//    with maxRetries: 0 the 429 is thrown as a RateLimitError.
await step("retry", async () => {
  const retrying = new Gatehouse({ baseURL: retryURL, apiKey: masterKey, maxRetries: 2 });
  const t0 = Date.now();
  const health = await retrying.health.get();
  const ms = Date.now() - t0;
  const noRetry = new Gatehouse({ baseURL: retryURL, apiKey: masterKey, maxRetries: 0 });
  return { status: health.status, ms, noRetry: await failure(noRetry.health.get()) };
});

// 5. A typed 402. Worker: a key whose cap cannot cover the request. Prism: the declared 402, asked for.
await step("payment", async () => {
  const body = { model: "mock/echo", max_tokens: 4000, messages: [{ role: "user" as const, content: "too dear" }] };
  let e: unknown;
  if (target === "worker") {
    const capped = await gh.keys.create({ name: "sdk-package capped", max_spend_usd: 0.000001 });
    e = await new Gatehouse({ baseURL, apiKey: capped.secret }).messages.create(body).catch((err: unknown) => err);
  } else {
    e = await gh.messages.create(body, { headers: { prefer: "code=402" } }).catch((err: unknown) => err);
  }
  return {
    name: e instanceof InsufficientFundsError ? "InsufficientFundsError" : e instanceof Error ? `${e.constructor.name}: ${e.message}` : "resolved",
    status: e instanceof GatehouseError ? e.status : 0,
  };
});

// 6. Prism only: the declared 429, asked for, is a RateLimitError.
if (target === "prism") {
  const body = { model: "mock/echo", max_tokens: 10, messages: [{ role: "user" as const, content: "x" }] };
  await step("rateLimit", () => failure(gh.messages.create(body, { headers: { prefer: "code=429" }, maxRetries: 0 })));
}

report.classes = [AuthenticationError.name, RateLimitError.name];
console.log(JSON.stringify(report));
