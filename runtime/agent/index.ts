// The agent loop's tool layer (issue 17), the one import the thread loop uses:
// buildToolSet picks the tools a turn offers the model (tools_mode dynamic | explicit |
// tenant, plus client_tools); dispatchToolCalls runs one round's tool calls (bounded
// concurrency, per-call timeout, failures as is_error tool_results) and sets aside the
// calls the app runs itself. See README.md in this directory.
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
export { buildToolSet, MAX_LISTED_TOOLS } from "./tool-set";
export { dispatchToolCalls, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from "./dispatch";
export { GET_TOOL_SCHEMAS, MANAGE_CONNECTIONS, META_TOOLS, MULTI_EXECUTE, SEARCH_TOOLS, isMetaTool } from "./meta-tools";
export { fromWireName, isWireName, toWireName } from "./tool-names";
