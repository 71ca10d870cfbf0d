// MCP connectors over streamable HTTP (the official SDK's client): list a server's tools at
// connect time, call one per request. See README.md.
export { callMcpTool, DEFAULT_MCP_MAX_CHARS, type CallOptions as McpCallOptions } from "./call-tool";
export { McpFailure } from "./errors";
export { listMcpTools, type ListOptions as McpListOptions, type McpTool, type McpToolAnnotations } from "./list-tools";
export { mcpServerUrl } from "./server-url";
export { DEFAULT_MCP_TIMEOUT_MS } from "./session";
