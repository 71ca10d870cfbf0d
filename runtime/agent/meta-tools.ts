// The four meta-tools of `tools_mode: "dynamic"` (API-CONTRACT "Tools and connectors"): with
// them a model finds, learns and calls any catalog tool, and gets an end user connected, while
// the tool list it is sent stays the same four short definitions at any catalog size (they cost
// ≤ 1.5k tokens; test/unit/agent/meta-tools.test.ts measures them). Their answers are JSON
// text trimmed to a token budget, so a search never floods the model's context either.
// Every failure is an answer (`ok: false` + a message saying what to do), never an exception.
import { listConnections, findDefaultConnection } from "../db/connections";
import { ApiError } from "../errors";
import { mintConnectUrl } from "../connections/mint-connect-url";
import { revokeConnection } from "../connections/revoke-connection";
import { estimateTokens } from "../threads/context-window";
import { connectorAuthOf } from "../tools-api/catalog";
import { searchTools, type ToolSearchHit } from "../tools-api/search-tools";
import { toolSchemas, type ToolSchemaView } from "../tools-api/tool-schemas";
import { mapBounded } from "./bounded";
import { relayMessage, runForModel, type ModelToolResult, type RunContext } from "./run-for-model";
import { fromWireName, realToolName } from "./tool-names";
import type { AnthropicToolDefinition } from "./types";

export const SEARCH_TOOLS = "qlaud_search_tools";
export const GET_TOOL_SCHEMAS = "qlaud_get_tool_schemas";
export const MULTI_EXECUTE = "qlaud_multi_execute";
export const MANAGE_CONNECTIONS = "qlaud_manage_connections";

/** Token budgets of the answers (≈ bytes/4, as estimateTokens counts). */
export const SEARCH_RESULT_TOKENS = 1_500;
export const SCHEMAS_RESULT_TOKENS = 6_000;
/** Hits a search answers by default, and at most. */
export const DEFAULT_SEARCH_HITS = 8;
export const MAX_SEARCH_HITS = 20;
/** Tools one schemas call or one multi_execute call may name. */
export const MAX_SCHEMA_TOOLS = 10;
export const MAX_EXECUTE_CALLS = 10;
/** Calls of one multi_execute running at once. */
const EXECUTE_CONCURRENCY = 4;
/** A search hit's description is cut to this many characters. */
const HIT_DESCRIPTION_CHARS = 160;

export const META_TOOLS: readonly AnthropicToolDefinition[] = [
  {
    name: SEARCH_TOOLS,
    description:
      "Find tools for a task among all the apps the user can connect (GitHub, Linear, Slack, Stripe, …). " +
      'Returns tool names like "linear/create_issue", each with its connection state: "connected" and "not_required" run now; ' +
      '"not_connected" needs the user to connect first (calling it returns a connect_url). Search before saying a tool does not exist.',
    input_schema: {
      type: "object",
      properties: {
        intent: { type: "string", description: 'What you want to do, in a few words, e.g. "create linear ticket".' },
        limit: { type: "integer", minimum: 1, maximum: MAX_SEARCH_HITS, description: `Most tools to return (default ${DEFAULT_SEARCH_HITS}).` },
      },
      required: ["intent"],
    },
  },
  {
    name: GET_TOOL_SCHEMAS,
    description: "Get the input schemas of tools found with qlaud_search_tools, to build their arguments.",
    input_schema: {
      type: "object",
      properties: { tools: { type: "array", items: { type: "string" }, minItems: 1, maxItems: MAX_SCHEMA_TOOLS, description: "Tool names." } },
      required: ["tools"],
    },
  },
  {
    name: MULTI_EXECUTE,
    description:
      "Run one or more tools with the user's connected accounts; results come back in the order of calls. " +
      'A call of a tool whose app is not connected returns status "not_connected" with a connect_url: give the user that link, then call again once they say they connected.',
    input_schema: {
      type: "object",
      properties: {
        calls: {
          type: "array",
          minItems: 1,
          maxItems: MAX_EXECUTE_CALLS,
          items: {
            type: "object",
            properties: { tool: { type: "string" }, args: { type: "object", description: "Arguments matching the tool's input schema." } },
            required: ["tool", "args"],
          },
        },
      },
      required: ["calls"],
    },
  },
  {
    name: MANAGE_CONNECTIONS,
    description:
      "Manage the user's account for an app: connect (returns a connect_url for the user to open), status, or disconnect. " +
      'tool is a tool name ("linear/create_issue") or an app id ("linear").',
    input_schema: {
      type: "object",
      properties: { action: { type: "string", enum: ["connect", "status", "disconnect"] }, tool: { type: "string" } },
      required: ["action", "tool"],
    },
  },
];

const NAMES: ReadonlySet<string> = new Set(META_TOOLS.map((t) => t.name));

export function isMetaTool(name: string): boolean {
  return NAMES.has(name);
}

/** A meta-tool's answer: JSON text for the tool_result, and whether it is an error. */
export interface MetaOutcome {
  ok: boolean;
  content: string;
}

/** Runs meta-tool `name` with the model's `input`. Throws only for a name that is no meta-tool. */
export async function runMetaTool(env: Env, name: string, input: unknown, ctx: RunContext): Promise<MetaOutcome> {
  const args = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  switch (name) {
    case SEARCH_TOOLS:
      return search(env, args, ctx);
    case GET_TOOL_SCHEMAS:
      return schemas(env, args, ctx);
    case MULTI_EXECUTE:
      return multiExecute(env, args, ctx);
    case MANAGE_CONNECTIONS:
      return manageConnections(env, args, ctx);
    default:
      throw new Error(`runMetaTool: ${JSON.stringify(name)} is not a meta-tool`);
  }
}

function answer(ok: boolean, value: unknown): MetaOutcome {
  return { ok, content: JSON.stringify(value) };
}

function refused(message: string): MetaOutcome {
  return answer(false, { error: message });
}

// ---- qlaud_search_tools

interface SearchItem {
  tool: string;
  description: string;
  connection: ToolSearchHit["connection"];
  read_only?: true;
  destructive?: true;
}

async function search(env: Env, args: Record<string, unknown>, ctx: RunContext): Promise<MetaOutcome> {
  const intent = typeof args.intent === "string" ? args.intent.trim() : "";
  if (intent === "") return refused('intent is required: a few words saying what you want to do, e.g. {"intent": "create linear ticket"}');
  const limit = typeof args.limit === "number" && Number.isInteger(args.limit) ? Math.min(Math.max(args.limit, 1), MAX_SEARCH_HITS) : DEFAULT_SEARCH_HITS;
  // Twice as many as asked, so a tool the user can run now, ranked a little lower, still makes the cut.
  const hits = await searchTools(env, { tenantId: ctx.tenantId, endUserId: ctx.endUserId }, intent.slice(0, 500), Math.min(limit * 2, 2 * MAX_SEARCH_HITS));
  const runnable = (h: ToolSearchHit) => (h.connection === "not_connected" ? 1 : 0);
  const ordered = hits
    .map((h, i) => ({ h, i }))
    .sort((a, b) => runnable(a.h) - runnable(b.h) || a.i - b.i)
    .slice(0, limit)
    .map(({ h }) => searchItem(h));
  if (ordered.length === 0) return answer(true, { tools: [], message: `no tool matches ${JSON.stringify(intent.slice(0, 100))}; try other words (the app's name, or the action)` });
  return answer(true, trimToBudget(ordered, SEARCH_RESULT_TOKENS, (tools, omitted) => (omitted > 0 ? { tools, omitted } : { tools })));
}

function searchItem(h: ToolSearchHit): SearchItem {
  const description = h.description.length > HIT_DESCRIPTION_CHARS ? `${h.description.slice(0, HIT_DESCRIPTION_CHARS - 1)}…` : h.description;
  const item: SearchItem = { tool: h.tool, description, connection: h.connection };
  if (h.read_only) item.read_only = true;
  if (h.destructive) item.destructive = true;
  return item;
}

/** The longest prefix of `items` whose answer fits `budget` tokens (at least nothing). */
export function trimToBudget<T>(items: readonly T[], budget: number, shape: (kept: T[], omitted: number) => unknown): unknown {
  let kept = items.length;
  let value = shape(items.slice(), 0);
  while (kept > 0 && estimateTokens(value) > budget) {
    kept -= 1;
    value = shape(items.slice(0, kept), items.length - kept);
  }
  return value;
}

// ---- qlaud_get_tool_schemas

async function schemas(env: Env, args: Record<string, unknown>, ctx: RunContext): Promise<MetaOutcome> {
  const asked = Array.isArray(args.tools) ? args.tools.filter((t): t is string => typeof t === "string" && t !== "") : [];
  if (asked.length === 0) return refused('tools is required: the names qlaud_search_tools returned, e.g. {"tools": ["linear/create_issue"]}');
  if (asked.length > MAX_SCHEMA_TOOLS) return refused(`ask for at most ${MAX_SCHEMA_TOOLS} tools at a time (you asked for ${asked.length})`);
  const names = [...new Set(asked.map((n) => realToolName(n.slice(0, 200))))];
  const scope = { tenantId: ctx.tenantId, endUserId: ctx.endUserId };
  let found: ToolSchemaView[];
  const unknown: string[] = [];
  try {
    found = await toolSchemas(env, scope, names);
  } catch (err) {
    if (!(err instanceof ApiError) || err.kind !== "not_found") throw err;
    // One at a time, to answer the known ones and name the unknown ones.
    found = [];
    for (const n of names) {
      try {
        found.push(...(await toolSchemas(env, scope, [n])));
      } catch (e) {
        if (!(e instanceof ApiError) || e.kind !== "not_found") throw e;
        unknown.push(n);
      }
    }
  }
  if (found.length === 0) return refused(`no tool named ${unknown.map((n) => JSON.stringify(n)).join(", ")}; qlaud_search_tools finds tool names`);
  const views = found.map((v) => ({ tool: v.name, description: v.description, input_schema: v.input_schema }));
  const note = unknown.length > 0 ? { unknown, message: "these names are no tools; qlaud_search_tools finds tool names" } : {};
  return answer(
    true,
    trimToBudget(views, SCHEMAS_RESULT_TOKENS, (tools, omitted) =>
      omitted > 0 ? { tools, ...note, omitted: views.slice(tools.length).map((v) => v.tool), omitted_message: "too large for one answer: ask for the omitted tools again" } : { tools, ...note },
    ),
  );
}

// ---- qlaud_multi_execute

async function multiExecute(env: Env, args: Record<string, unknown>, ctx: RunContext): Promise<MetaOutcome> {
  const calls = Array.isArray(args.calls) ? args.calls : [];
  if (calls.length === 0) return refused('calls is required: {"calls": [{"tool": "linear/create_issue", "args": {…}}]}');
  if (calls.length > MAX_EXECUTE_CALLS) return refused(`at most ${MAX_EXECUTE_CALLS} calls at a time (you sent ${calls.length})`);
  const results = await mapBounded(calls as unknown[], EXECUTE_CONCURRENCY, async (c, i): Promise<ModelToolResult> => {
    const tool = typeof c === "object" && c !== null && typeof (c as { tool?: unknown }).tool === "string" ? (c as { tool: string }).tool : "";
    if (tool === "") return { tool: "", ok: false, error: { kind: "invalid_input", message: `calls[${i}] has no tool: each call is {"tool": "<connector>/<tool>", "args": {…}}` } };
    return runForModel(env, realToolName(tool.slice(0, 200)), (c as { args?: unknown }).args, ctx);
  });
  return answer(results.some((r) => r.ok), { results });
}

// ---- qlaud_manage_connections

async function manageConnections(env: Env, args: Record<string, unknown>, ctx: RunContext): Promise<MetaOutcome> {
  const action = args.action;
  const tool = typeof args.tool === "string" ? args.tool.slice(0, 200) : "";
  if (action !== "connect" && action !== "status" && action !== "disconnect") return refused('action must be "connect", "status" or "disconnect"');
  const connector = connectorOf(tool);
  const auth = connector === null ? null : connectorAuthOf(connector);
  if (connector === null || auth === null) {
    return refused(`${JSON.stringify(tool)} names no app; pass a tool name from qlaud_search_tools ("linear/create_issue") or an app id ("linear")`);
  }
  if (auth.mode === "none") return answer(true, { tool, status: "not_required", message: `${connector} needs no account: call its tools directly` });
  const endUserId = ctx.endUserId;
  if (endUserId === undefined) return refused("this thread belongs to no end user, so there is no account to connect; use a thread of an end user");

  if (action === "disconnect") {
    const rows = await listConnections(env.DB, ctx.tenantId, { endUserId, connector, limit: 100 });
    const live = rows.filter((r) => r.status === "connected" || r.status === "pending");
    for (const r of live) await revokeConnection(env, ctx.tenantId, r.id, ctx.now);
    const connected = live.filter((r) => r.status === "connected").length;
    return answer(true, { tool, status: "not_connected", message: connected > 0 ? `disconnected ${connected} ${connector} account(s)` : `no ${connector} account was connected` });
  }
  const current = await findDefaultConnection(env.DB, ctx.tenantId, { endUserId, connector });
  if (current !== null) {
    return answer(true, { tool, status: "connected", message: `${connector} is connected: call its tools` + (action === "connect" ? " (to use another account, disconnect first)" : "") });
  }
  if (action === "status") return answer(true, { tool, status: "not_connected" });
  const minted = await mintConnectUrl(env, { tenantId: ctx.tenantId, endUserId, connector, reusePending: true }, ctx.origin, ctx.now);
  return answer(true, { tool, status: "not_connected", connect_url: minted.connect_url, expires_at: minted.expires_at, message: relayMessage(connector) });
}

/** The connector id in `linear/create_issue`, `linear__create_issue` or `linear`. */
function connectorOf(tool: string): string | null {
  if (tool === "") return null;
  if (tool.includes("/")) return tool.slice(0, tool.indexOf("/"));
  const real = fromWireName(tool);
  if (real !== null && connectorAuthOf(real.slice(0, real.indexOf("/"))) !== null) return real.slice(0, real.indexOf("/"));
  return tool;
}
