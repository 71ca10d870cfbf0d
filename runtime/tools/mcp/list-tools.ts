// tools/list at connect time: every page (following nextCursor), bounded in count, pages,
// description length and schema size, so one odd server cannot fill the connection row or
// a model's context. What comes back is stored on the connection (connections.mcp_tools).
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { Redactor } from "../redact";
import { classifyMcpError, mcpFailure, McpFailure } from "./errors";
import { withMcpSession, DEFAULT_MCP_TIMEOUT_MS, type McpSessionOptions } from "./session";

/** One tool of an MCP server, as stored on the connection and shown to a model as `<connector>/<name>`. */
export interface McpTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  annotations?: McpToolAnnotations;
}

/** The MCP hints Gatehouse keeps (what a catalog hit's read_only/destructive/idempotent come from). */
export interface McpToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ListOptions extends McpSessionOptions {
  /** Tools kept at most, in the server's order (200); the rest are dropped and logged. */
  maxTools?: number;
  /** tools/list pages fetched at most (50). */
  maxPages?: number;
  /** A description longer than this is cut, with "…" (1,000). */
  maxDescriptionChars?: number;
  /** A tool whose input schema is larger as JSON is left out (32 KiB). */
  maxSchemaChars?: number;
}

/** MCP's recommended tool-name alphabet; anything else (a `/`, spaces) could not be addressed as `<connector>/<name>`. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Initialize + tools/list through every page. Throws McpFailure (with a redacted ToolError as
 * `outcome`, its `message` fit to show the end user) when the server cannot be listed.
 */
export async function listMcpTools(env: Env, serverUrl: string, token: string, opts: ListOptions = {}): Promise<McpTool[]> {
  const redact = new Redactor({ token });
  try {
    return await withMcpSession(env, serverUrl, token, opts, async ({ client, signal, timeoutMs, host }) => {
      const maxTools = opts.maxTools ?? 200;
      const maxPages = opts.maxPages ?? 50;
      const out: McpTool[] = [];
      const seenNames = new Set<string>();
      const seenCursors = new Set<string>();
      let skipped = 0;
      let cursor: string | undefined;
      for (let page = 1; ; page++) {
        const res = await client.listTools(cursor === undefined ? undefined : { cursor }, { signal, timeout: timeoutMs });
        for (const tool of res.tools) {
          const kept = out.length < maxTools && !seenNames.has(tool.name) ? normalize(tool, redact, opts) : null;
          if (kept) {
            out.push(kept);
            seenNames.add(kept.name);
          } else skipped++;
        }
        cursor = res.nextCursor;
        if (cursor === undefined || out.length >= maxTools) break;
        if (seenCursors.has(cursor)) throw mcpFailure("vendor", 502, `the MCP server at ${host} returned the same tools/list cursor twice; its tool list cannot be read`);
        if (page >= maxPages) throw mcpFailure("vendor", 502, `the MCP server at ${host} has more than ${maxPages} pages of tools; Gatehouse reads at most ${maxPages}`);
        seenCursors.add(cursor);
      }
      if (skipped > 0 || cursor !== undefined) opts.log?.(`mcp: ${host} tools/list: kept ${out.length}, left out ${skipped}${cursor !== undefined ? " and further pages" : ""} (limits: ${maxTools} tools, names ${TOOL_NAME.source}, schemas ≤ ${opts.maxSchemaChars ?? 32_768} chars)`);
      return out;
    });
  } catch (err) {
    throw err instanceof McpFailure ? new McpFailure({ ...err.outcome, message: redact.apply(err.outcome.message) }) : new McpFailure(classifyMcpError(err, redact, { host: hostOf(serverUrl), timeoutMs: opts.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS }));
  }
}

function normalize(tool: Tool, redact: Redactor, opts: ListOptions): McpTool | null {
  if (!TOOL_NAME.test(tool.name)) return null;
  const schema = tool.inputSchema as Record<string, unknown>;
  if (JSON.stringify(schema).length > (opts.maxSchemaChars ?? 32_768)) return null;
  const max = opts.maxDescriptionChars ?? 1_000;
  const text = redact.apply((tool.description ?? tool.title ?? "").trim());
  const description = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  const annotations = pickAnnotations(tool);
  return { name: tool.name, description, input_schema: schema, ...(annotations ? { annotations } : {}) };
}

function pickAnnotations(tool: Tool): McpToolAnnotations | null {
  const a = tool.annotations;
  const out: McpToolAnnotations = {};
  const title = a?.title ?? tool.title;
  if (typeof title === "string" && title !== "") out.title = title.slice(0, 200);
  for (const key of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
    if (typeof a?.[key] === "boolean") out[key] = a[key];
  }
  return Object.keys(out).length > 0 ? out : null;
}

export function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return "(invalid URL)";
  }
}
