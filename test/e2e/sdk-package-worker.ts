// A Cloudflare Worker that uses the packed @gatehouse/client, for test/e2e/sdk-package.test.ts:
// the test bundles it from the fresh temp project with esbuild (as wrangler would) and runs it
// in workerd beside Gatehouse, calling Gatehouse over a service binding passed as the client's
// `fetch`. POST it `{ key }` (a master key); it answers what it saw as JSON.
// (Excluded from the repo's tsconfig: "@gatehouse/client" resolves only in the temp project.)
import { Gatehouse, GatehouseError, type MessageStreamEvent } from "@gatehouse/client";

interface Env {
  GATEHOUSE: { fetch: typeof fetch };
}

async function textOf(events: AsyncIterable<MessageStreamEvent>, stopAfter?: number): Promise<{ text: string; deltas: number }> {
  let text = "";
  let deltas = 0;
  for await (const ev of events) {
    if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") {
      text += ev.delta.text;
      if (++deltas === stopAfter) break;
    }
  }
  return { text, deltas };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { key } = (await request.json()) as { key: string };
    // The host is ignored on a service binding; the path and headers are what Gatehouse sees.
    const client = (apiKey: string) => new Gatehouse({ baseURL: "http://gatehouse.internal", apiKey, fetch: env.GATEHOUSE.fetch.bind(env.GATEHOUSE) });
    const gh = client(key);
    const report: Record<string, unknown> = {};
    try {
      const created = await gh.keys.create({ name: "sdk-package workerd" });
      await gh.keys.revoke(created.id);
      const refused = await client(created.secret)
        .models.list({ maxRetries: 0 })
        .then(
          () => "resolved",
          (e: unknown) => (e instanceof GatehouseError ? `${e.constructor.name} ${e.status}` : String(e)),
        );
      report.keys = { revoked: created.id, refused };

      report.stream = await textOf(gh.messages.stream({ model: "mock/echo", max_tokens: 100, messages: [{ role: "user", content: "hello from workerd" }] }));

      const breakKey = await gh.keys.create({ name: "sdk-package workerd break" });
      const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");
      const slow = client(breakKey.secret).messages.stream({ model: "mock/flaky", max_tokens: 500, messages: [{ role: "user", content: `slow=150 ${words}` }] });
      const started = Date.now();
      const partial = await textOf(slow, 1);
      // Still inside this request (whose end would cancel its subrequests anyway): Gatehouse
      // settles the request only once it has seen the disconnect, long before the ~9 s answer ends.
      let settledAfterMs: number | null = null;
      for (let i = 0; i < 40 && settledAfterMs === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const usage = await gh.keys.usage.get(breakKey.id);
        if (usage.requests > 0) settledAfterMs = Date.now() - started;
      }
      report.break = { keyId: breakKey.id, deltas: partial.deltas, ms: Date.now() - started, aborted: slow.controller.signal.aborted, settledAfterMs };
    } catch (e) {
      report.error = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    }
    return Response.json(report);
  },
};
