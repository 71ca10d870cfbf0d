// Types of the agent loop's tool layer (issue 17): the tool set offered to the model for one
// turn, and the context one round's tool calls are dispatched with. Kept apart from the
// modules so tool-set.ts, meta-tools.ts and dispatch.ts import them without cycles.
import type { AnthropicTool, AnthropicToolResultBlockParam } from "../translate/wire/anthropic";

/** A tool definition as sent to the model (Anthropic shape; the translator carries others). */
export type AnthropicToolDefinition = AnthropicTool;

/** A `tool_result` block answering one `tool_use` of the model. */
export type ToolResultBlock = AnthropicToolResultBlockParam;

/** How tools are offered to the model (spec/threads.tsp ToolsMode). */
export type ToolsMode = "dynamic" | "explicit" | "tenant";

/**
 * Where a tool the model called runs:
 * - meta: one of the four qlaud_* meta-tools (tool = the meta-tool name);
 * - catalog: a catalog connector's tool (tool = `<connector>/<tool>`);
 * - webhook: the tenant's webhook tool (tool = its name);
 * - client: the app runs it itself; the turn stops for it (tool = the name as called).
 */
export type ToolKind = "meta" | "catalog" | "webhook" | "client";

export interface ToolClass {
  kind: ToolKind;
  /** The real name to run: `<connector>/<tool>` for catalog tools, else the name as called. */
  tool: string;
}

/** The tools of one turn: what the model is sent, and how a called name maps back. */
export interface ToolSet {
  /** The mode the set was built for (after defaulting). */
  mode: ToolsMode;
  /** Tool definitions to send to the model, wire names only (^[a-zA-Z0-9_-]{1,64}$). */
  definitions: AnthropicToolDefinition[];
  /** Where a name the model called runs; null for a name this turn never offered. */
  classify(wireName: string): ToolClass | null;
}

/** A tool as a request's `tools` / `client_tools` holds it (spec AnthropicTool: schema optional). */
export interface RequestTool {
  name: string;
  description?: string | undefined;
  input_schema?: Record<string, unknown> | undefined;
  [field: string]: unknown;
}

/** What the request asked for (thread turn body: tools_mode, tools, client_tools). */
export interface ToolSetRequest {
  /** Omitted: `dynamic` when no `tools` are sent, else `explicit`. */
  mode?: ToolsMode | undefined;
  tools?: readonly RequestTool[] | undefined;
  clientTools?: readonly RequestTool[] | undefined;
}

/** Whose tools and connections the turn uses; endUserId undefined for a tenant-level thread. */
export interface AgentScope {
  tenantId: string;
  endUserId: string | undefined;
}

/** One `tool_use` block of the model's reply. */
export interface ToolUseCall {
  id: string;
  /** The name as the model called it (wire form). */
  name: string;
  input: unknown;
}

/** Whose tool runs these are, and where connect URLs point: what one tool run needs. */
export interface RunContext {
  tenantId: string;
  /** Undefined for a tenant-level thread: connector tools that need an account then answer is_error. */
  endUserId: string | undefined;
  /** The API request's origin, for connect URLs when PUBLIC_URL is not set. */
  origin: string;
  now: number;
  requestId: string;
  /** Aborts every run still going (client disconnect). */
  signal?: AbortSignal | undefined;
}

export interface DispatchContext extends RunContext {
  /** Most tool runs at once (default 4). */
  concurrency?: number | undefined;
  /** Per-call limit in ms (default 30000); past it the call answers is_error. */
  timeoutMs?: number | undefined;
  /** A non-client call starts running (for qlaud.tool_dispatch_start). */
  onStart?: ((call: ToolUseCall) => void) | undefined;
  /** A non-client call finished; ok false when its result is is_error (qlaud.tool_dispatch_done). */
  onDone?: ((call: ToolUseCall, ok: boolean) => void) | undefined;
}

export interface DispatchResult {
  /** One tool_result per non-client call, in the order of `calls`. */
  results: ToolResultBlock[];
  /** The calls the app runs itself, in order; the turn stops for them. */
  clientCalls: ToolUseCall[];
}
