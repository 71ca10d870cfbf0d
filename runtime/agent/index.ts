// The agent loop's tool layer (issue 17), the one import the thread loop uses:
// buildToolSet picks the tools a turn offers the model (tools_mode dynamic | explicit |
// tenant, plus client_tools); dispatchToolCalls runs one round's tool calls (bounded
// concurrency, per-call timeout, failures as is_error tool_results) and sets aside the
// calls the app runs itself. See README.md in this directory.
import type { AgentScope, DispatchContext, DispatchResult, ToolSet, ToolSetRequest, ToolUseCall } from "./types";

export type {
  AgentScope,
  AnthropicToolDefinition,
  DispatchContext,
  DispatchResult,
  RequestTool,
  ToolClass,
  ToolKind,
  ToolResultBlock,
  ToolSet,
  ToolSetRequest,
  ToolsMode,
  ToolUseCall,
} from "./types";

export async function buildToolSet(_env: Env, _req: ToolSetRequest, _scope: AgentScope): Promise<ToolSet> {
  throw new Error("buildToolSet: not yet implemented (issue 17, G1)");
}

export async function dispatchToolCalls(
  _env: Env,
  _calls: readonly ToolUseCall[],
  _set: ToolSet,
  _ctx: DispatchContext,
): Promise<DispatchResult> {
  throw new Error("dispatchToolCalls: not yet implemented (issue 17, G1)");
}
