// bench:agent's baseline: a stored agent turn replayed as the separate requests an app would
// make without the loop — each round's model call as POST /v1/messages with the conversation
// that round saw (and the turn's tool definitions), each tool call as the REST route that runs
// the same code (qlaud_search_tools → POST /v1/tools/search, qlaud_multi_execute and a listed
// tool → POST /v1/tools/execute). Every request is timed on its own.

export interface StoredBlock {
  type: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface StoredMessage {
  role: "user" | "assistant";
  content: StoredBlock[];
}

export interface ReplayTarget {
  url: string;
  key: string;
  model: string;
  maxTokens: number;
  endUserId: string;
  /** The definitions the turn sent the model (Anthropic shape). */
  tools: readonly unknown[];
}

export interface ReplayTimes {
  /** Each round's model call, ms. */
  model: number[];
  /** Each tool call, ms. */
  tools: number[];
}

async function timed(target: ReplayTarget, path: string, body: unknown): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${target.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${target.key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`replay ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return ms;
}

/** Replays the turn stored as `messages` (a fresh thread: the turn is the whole thread). */
export async function replayTurn(target: ReplayTarget, messages: readonly StoredMessage[]): Promise<ReplayTimes> {
  const out: ReplayTimes = { model: [], tools: [] };
  for (let i = 1; i < messages.length; i += 2) {
    const assistant = messages[i]!;
    if (assistant.role !== "assistant") throw new Error(`replay: message ${i} is ${assistant.role}, not the assistant's`);
    out.model.push(
      await timed(target, "/v1/messages", {
        model: target.model,
        max_tokens: target.maxTokens,
        messages: messages.slice(0, i),
        ...(target.tools.length > 0 ? { tools: target.tools } : {}),
      }),
    );
    for (const use of assistant.content.filter((b) => b.type === "tool_use")) {
      for (const [path, body] of restCalls(use, target.endUserId)) out.tools.push(await timed(target, path, body));
    }
  }
  return out;
}

/** The REST requests that run what one tool_use ran inside the loop. */
function restCalls(use: StoredBlock, endUserId: string): [string, unknown][] {
  const input = (use.input ?? {}) as { intent?: string; calls?: { tool: string; args?: unknown }[] };
  if (use.name === "qlaud_search_tools") return [["/v1/tools/search", { intent: input.intent, end_user_id: endUserId }]];
  if (use.name === "qlaud_multi_execute") return (input.calls ?? []).map((c) => ["/v1/tools/execute", { tool: c.tool, args: c.args ?? {}, end_user_id: endUserId }]);
  const tool = (use.name ?? "").replace("__", "/");
  return [["/v1/tools/execute", { tool, args: use.input ?? {}, end_user_id: endUserId }]];
}
