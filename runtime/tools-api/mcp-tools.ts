// An MCP connector's tools as its connection stores them (connections.mcp_tools, listed at
// connect time), so a call needs no tools/list round trip and a name the server never offered
// is an unknown tool before anything is sent.
import type { McpTool } from "../tools/mcp";

/** The stored list, or [] when there is none or it is not a list of tools. */
export function storedMcpTools(text: string | null): McpTool[] {
  if (text === null) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter((t): t is McpTool => typeof t === "object" && t !== null && typeof (t as McpTool).name === "string");
}

/** The connection's tool by its server-side name (what follows `<connector>/`). */
export function storedMcpTool(text: string | null, name: string): McpTool | null {
  return storedMcpTools(text).find((t) => t.name === name) ?? null;
}
