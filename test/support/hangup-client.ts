// A client that hangs up, for tests of what Gatehouse does after a disconnect. It runs as a
// second Worker beside Gatehouse and calls it through a service binding, because that is
// the one local path on which the hang-up reaches Gatehouse the way a production client's
// does: workerd fires Gatehouse's request.signal when the caller aborts. (A node client's
// abort is only noticed by local workerd at Gatehouse's next write to the connection.)
import type { WorkerOptions } from "miniflare";
import type { LocalWorker } from "./local-worker";

export const HANGUP_CLIENT = "hangup-client";

/** The client Worker's options, for startLocalWorker({ workers: [hangupClientWorker()] }). */
export function hangupClientWorker(): WorkerOptions {
  return {
    name: HANGUP_CLIENT,
    modules: true,
    script: CLIENT_SCRIPT,
    compatibilityDate: "2026-04-26",
    serviceBindings: { GATEHOUSE: "gatehouse" },
  };
}

export interface CallResult {
  /** 0 when the client hung up before the response headers. */
  status: number;
  requestId: string | null;
  /** The body as far as the client read it. */
  text: string;
}

export interface HangupCall {
  /** Aborts the client's request now. */
  hangUp(): Promise<void>;
  /** Resolves when the client has its answer, or has hung up. */
  result: Promise<CallResult>;
}

/**
 * Sends a POST to Gatehouse from the client Worker; the client hangs up when `hangUp()` is
 * called, or by itself once `hangUpAfterText` appears in the body it has read.
 */
export async function callThenHangUp(
  worker: LocalWorker,
  req: { path: string; key: string; body: unknown; hangUpAfterText?: string },
): Promise<HangupCall> {
  // A Fetcher of the Workers runtime types (generated/env/); miniflare's .d.ts names a package not installed here.
  const client = (await worker.mf.getWorker(HANGUP_CLIENT)) as unknown as Fetcher;
  const id = crypto.randomUUID();
  const post = (action: string, body: unknown) =>
    client.fetch(`http://client/${action}`, { method: "POST", body: JSON.stringify(body) }) as unknown as Promise<Response>;
  const result = post("call", {
    id,
    path: req.path,
    headers: { "x-api-key": req.key, "content-type": "application/json" },
    body: JSON.stringify(req.body),
    hangUpAfterText: req.hangUpAfterText,
  }).then((r) => r.json() as Promise<CallResult>);
  return {
    hangUp: async () => {
      await (await post("hangup", { id })).text();
    },
    result,
  };
}

// Plain JavaScript: workerd runs it as it is.
const CLIENT_SCRIPT = `
// A call's own handler aborts it: an AbortController belongs to the request that made it,
// so the hang-up request only leaves a note that the call's poller picks up.
const hangups = new Set();
export default {
  async fetch(req, env) {
    const action = new URL(req.url).pathname.slice(1);
    const msg = await req.json();
    if (action === "hangup") {
      hangups.add(msg.id);
      return new Response("ok");
    }
    const controller = new AbortController();
    const poller = setInterval(() => {
      if (hangups.delete(msg.id)) controller.abort();
    }, 5);
    const out = { status: 0, requestId: null, text: "" };
    try {
      const res = await env.GATEHOUSE.fetch("http://gatehouse" + msg.path, { method: "POST", headers: msg.headers, body: msg.body, signal: controller.signal });
      out.status = res.status;
      out.requestId = res.headers.get("x-qlaud-request-id");
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out.text += decoder.decode(value, { stream: true });
        if (msg.hangUpAfterText && out.text.includes(msg.hangUpAfterText)) {
          controller.abort();
          break;
        }
      }
    } catch {
      // the client hung up
    }
    clearInterval(poller);
    return Response.json(out);
  },
};
`;
