// One turn at a time per thread, through the real Worker and D1: parallel turns on one thread
// are stored whole or refused with 409 thread_busy (never interleaved); turns on different
// threads never wait on each other; a dead turn's expired lock does not block; a turn that lost
// its lock writes nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { acquireTurnLock, renewTurnLock, storeTurn } from "../../runtime/db/thread-turns";
import { LOCK_TTL_MS, TurnLock } from "../../runtime/threads/turn-lock";
import { ledgerOf } from "./support/money";
import { seedTenant } from "./support/seed";
import { eventually, messagesOf, newThread, threadState, turn } from "./support/thread-turns";

describe("parallel turns", () => {
  it("20 at once on one thread: the successful ones are stored as contiguous pairs, the rest are 409 thread_busy", async () => {
    const t = await seedTenant({ creditMicros: 50_000_000 });
    const thread = await newThread(t.tenantId);
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await turn(t.masterKey, thread, { content: `turn number ${i}` });
        return { status: res.status, requestId: res.headers.get("x-qlaud-request-id"), seq: res.headers.get("x-qlaud-assistant-seq"), body: await res.json<Record<string, unknown>>() };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 409);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length + busy.length).toBe(20);
    for (const b of busy) expect(b.body).toMatchObject({ error: { type: "thread_busy", message: expect.stringContaining("retry") } });

    const rows = await messagesOf(t.tenantId, thread);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 2 * ok.length }, (_, i) => i + 1));
    for (let i = 0; i < rows.length; i += 2) {
      const [user, assistant] = [rows[i], rows[i + 1]];
      // A pair is one request's: same request id, the reply echoes that user's text.
      expect(user?.role).toBe("user");
      expect(assistant?.role).toBe("assistant");
      expect(assistant?.request_id).toBe(user?.request_id);
      expect(JSON.parse(assistant?.content ?? "")).toEqual(JSON.parse(user?.content ?? ""));
      const answer = ok.find((a) => a.requestId === user?.request_id);
      expect(answer?.seq).toBe(String(i + 2));
    }
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(ok.length);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 2 * ok.length, message_count: 2 * ok.length, busy_token: null });
    // The busy ones were refused before any model call: only the stored turns were charged.
    const charged = async () => (await ledgerOf(t.tenantId)).filter((e) => e.type === "charge").map((e) => e.request_id);
    await eventually(async () => ((await charged()).length >= ok.length ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect((await charged()).sort()).toEqual(ok.map((a) => a.requestId).sort());
  });

  it("200 at once on 200 threads: every one succeeds", async () => {
    const t = await seedTenant({ creditMicros: 500_000_000 });
    const threads = await Promise.all(Array.from({ length: 200 }, () => newThread(t.tenantId)));
    const started = Date.now();
    const answers = await Promise.all(
      threads.map(async (id, i) => {
        const res = await turn(t.masterKey, id, { content: `thread ${i}`, stream: i % 2 === 0 });
        return { status: res.status, text: await res.text() };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(threads.map(() => 200));
    // Every stream ended with qlaud.done (stored), every whole answer with the stored seq.
    answers.forEach((a, i) => expect(a.text).toContain(i % 2 === 0 ? "event: qlaud.done" : '"seq":2'));
    const counts = await env.DB.prepare("SELECT COUNT(*) AS n, SUM(last_seq) AS seqs FROM threads WHERE tenant_id = ? AND busy_token IS NULL").bind(t.tenantId).first<{ n: number; seqs: number }>();
    expect(counts).toEqual({ n: 200, seqs: 400 });
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM thread_messages WHERE tenant_id = ?").bind(t.tenantId).first<{ n: number }>();
    expect(stored?.n).toBe(400);
    console.log(`200 parallel turns on 200 threads: ${Date.now() - started} ms`);
  });
});

describe("the lock", () => {
  it("a dead turn's expired lock does not block; a live one does (409)", async () => {
    const t = await seedTenant({ creditMicros: 10_000_000 });
    const thread = await newThread(t.tenantId);
    const lockFor = (until: number) => env.DB.prepare("UPDATE threads SET busy_token = 'dead-turn', busy_until = ? WHERE tenant_id = ? AND id = ?").bind(until, t.tenantId, thread).run();

    await lockFor(Date.now() + LOCK_TTL_MS);
    const blocked = await turn(t.masterKey, thread, { content: "blocked" });
    expect(blocked.status).toBe(409);
    expect(await messagesOf(t.tenantId, thread)).toEqual([]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: "dead-turn" }); // another's lock left alone

    await lockFor(Date.now() - 1);
    const res = await turn(t.masterKey, thread, { content: "goes through" });
    expect(res.status).toBe(200);
    expect((await messagesOf(t.tenantId, thread)).map((r) => r.seq)).toEqual([1, 2]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: null, busy_until: null });
  });

  it("a turn whose lock was taken over writes nothing; renewing a lost lock says so", async () => {
    const t = await seedTenant();
    const thread = await newThread(t.tenantId);
    const now = Date.now();
    expect(await acquireTurnLock(env.DB, t.tenantId, thread, "mine", now, 1)).toEqual({ last_seq: 0, end_user_id: null });
    // Expired, then taken by another turn.
    expect(await acquireTurnLock(env.DB, t.tenantId, thread, "theirs", now + 10, LOCK_TTL_MS)).toEqual({ last_seq: 0, end_user_id: null });
    expect(await renewTurnLock(env.DB, t.tenantId, thread, "mine", now + 20, LOCK_TTL_MS)).toBe(false);
    const turnOf = (token: string, lastSeq: number) => ({
      threadId: thread,
      token,
      lastSeq,
      endUserId: null,
      requestId: `req_${token}`,
      now,
      messages: [
        { seq: lastSeq + 1, role: "user" as const, content: "[]", tokens: 1 },
        { seq: lastSeq + 2, role: "assistant" as const, content: "[]", tokens: 1 },
      ],
    });
    expect(await storeTurn(env.DB, t.tenantId, turnOf("mine", 0))).toBe(false);
    expect(await messagesOf(t.tenantId, thread)).toEqual([]);
    // The holder stores; a second store with the same token but a stale last_seq writes nothing either.
    expect(await storeTurn(env.DB, t.tenantId, turnOf("theirs", 0))).toBe(true);
    expect(await storeTurn(env.DB, t.tenantId, turnOf("theirs", 0))).toBe(false);
    expect((await messagesOf(t.tenantId, thread)).map((r) => r.request_id)).toEqual(["req_theirs", "req_theirs"]);
    expect(await threadState(t.tenantId, thread)).toMatchObject({ last_seq: 2, message_count: 2, busy_token: null });
    // Another tenant cannot take or store on it.
    const other = await seedTenant();
    expect(await acquireTurnLock(env.DB, other.tenantId, thread, "x", now, LOCK_TTL_MS)).toBeNull();
  });

  it("TurnLock: held → renewed (held, later expiry) → released; held → lost when another turn took it (its lock left alone)", async () => {
    const t = await seedTenant();
    const key = { id: t.masterKeyId, tenant_id: t.tenantId, scope: "master" as const, end_user_id: null, max_spend_micros: null };
    const thread = await newThread(t.tenantId);
    const now = Date.now();
    const lock = await TurnLock.take(env.DB, key, thread, now);
    expect(lock.state).toEqual({ kind: "held" });
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: lock.token, busy_until: now + LOCK_TTL_MS });
    await lock.renew(now + 20_000);
    expect(lock.state).toEqual({ kind: "held" });
    expect((await threadState(t.tenantId, thread))?.busy_until).toBe(now + 20_000 + LOCK_TTL_MS);
    await expect(TurnLock.take(env.DB, key, thread, now + 30_000)).rejects.toMatchObject({ kind: "thread_busy", status: 409 });
    await lock.release();
    expect(lock.state).toEqual({ kind: "released" });
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: null, busy_until: null });

    const second = await TurnLock.take(env.DB, key, thread, now);
    await env.DB.prepare("UPDATE threads SET busy_token = 'other' WHERE tenant_id = ? AND id = ?").bind(t.tenantId, thread).run();
    await second.renew();
    expect(second.state).toEqual({ kind: "lost" });
    await second.release();
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: "other" });
  });

  it("TurnLock.take: 404 for a deleted or foreign thread, 403 for another end user's — and a foreign caller never takes the lock", async () => {
    const t = await seedTenant();
    const other = await seedTenant();
    const thread = await newThread(t.tenantId, "bob");
    const ada = { id: "k", tenant_id: t.tenantId, scope: "standard" as const, end_user_id: "ada", max_spend_micros: null };
    await expect(TurnLock.take(env.DB, ada, thread)).rejects.toMatchObject({ kind: "permission", status: 403 });
    await expect(TurnLock.take(env.DB, { ...ada, tenant_id: other.tenantId, scope: "master" }, thread)).rejects.toMatchObject({ kind: "not_found" });
    expect(await threadState(t.tenantId, thread)).toMatchObject({ busy_token: null });
  });
});
