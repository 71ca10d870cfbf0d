// A manifest's tool, called by name ("<connector>/<tool>"): the connector's compiled module is
// loaded through the registry (only when used), its tool's Ajv validator and compiled builder
// run, its AuthSpec goes to the executor with the base URL (or its override), then executeTool
// with the tool's select/max_chars. Also a connector's verify request (verifyCredential), a
// tool's schema (toolSchema) and a connector's summary (connectorInfo), for the connect page,
// the tools API and the agent.
import { manifests } from "../../generated/connectors/catalog";
import { InputRefused, MissingConfig, TemplateUnsupported, type CompiledTool, type Config, type ConnectorModule, type ToolAnnotations } from "../../generated/connectors/connector-runtime";
import { loadConnector } from "../../generated/connectors/registry";
import { ApiError } from "../errors";
import { connectorBaseUrl, connectorTokenUrl } from "./connector-url";
import { executeTool, type ExecuteOptions } from "./execute";
import { checkInput } from "./input-errors";
import type { Select } from "./trim";
import type { AuthSpec, BuiltRequest, Credential, ToolError, ToolOutcome } from "./types";

export interface CallOptions extends Omit<ExecuteOptions, "baseUrl" | "auth" | "credential" | "select" | "maxChars"> {
  /** The connection's non-secret settings (`{{config.x}}`). */
  config?: Config;
}

/** Everything executeTool needs except the credential: what the call would send, and where. */
export interface PreparedCall {
  request: BuiltRequest;
  baseUrl: string;
  auth: AuthSpec;
  select: Select | null;
  maxChars: number | null;
}

export async function callTool(env: Env, toolName: string, args: unknown, credential: Credential, opts: CallOptions): Promise<ToolOutcome> {
  const prepared = await prepareToolCall(env, toolName, args, opts.config ?? {});
  if (!("request" in prepared)) return prepared;
  const { request, baseUrl, auth, select, maxChars } = prepared;
  return executeTool(request, { ...opts, baseUrl, auth, credential, select, maxChars });
}

/**
 * Validate and build without sending. Errors a model or end user can act on come back as
 * ToolErrors; a misconfigured deployment or manifest throws an internal ApiError (as config.ts does).
 */
export async function prepareToolCall(env: Env, toolName: string, args: unknown, config: Config): Promise<PreparedCall | ToolError> {
  const found = await findTool(toolName);
  if (!found) return unknownTool(toolName);
  const { connector, tool } = found;
  const invalid = checkInput(tool.validate, args);
  if (invalid) return invalid;
  return built(env, connector, config, `connector tool ${toolName}`, (base) => ({ request: tool.build(args, config, base), select: tool.select, maxChars: tool.max_chars }));
}

/**
 * Runs connector `connectorId`'s verify request with `credential` through the executor, so a
 * credential is checked the way tool calls will use it (for oauth2_client_credentials this
 * fetches a token first). ok with the vendor's answer when its status is one of verify's
 * expect_status (default any 2xx); a `vendor` error otherwise. Connectors without a verify
 * request (none, mcp) answer `unknown_tool`: there is nothing to run.
 */
export async function verifyCredential(env: Env, connectorId: string, credential: Credential, config: Config, opts: Omit<CallOptions, "config">): Promise<ToolOutcome> {
  const connector = await loadConnector(connectorId);
  const verify = connector?.verify;
  if (!connector || !verify) return toolError("unknown_tool", 404, `connector ${JSON.stringify(connectorId.slice(0, 100))} has no verify request`);
  const prepared = built(env, connector, config, `connector ${connectorId} verify`, (base) => ({ request: verify.build(config, base), select: null, maxChars: 2000 }));
  if (!("request" in prepared)) return prepared;
  const out = await executeTool(prepared.request, { ...opts, maxAttempts: opts.maxAttempts ?? 1, baseUrl: prepared.baseUrl, auth: prepared.auth, credential, select: null, maxChars: prepared.maxChars });
  const expected = verify.expect_status;
  if (!expected) return out;
  const status = out.status;
  if (expected.includes(status)) return out.ok ? out : { ok: true, status, content: out.message, truncated: false };
  if (out.ok) return toolError("vendor", status, `the vendor answered ${status}, which this connector's verify does not accept (expected ${expected.join(", ")})`);
  return out;
}

/** A tool's model-facing schema, or null for an unknown name (its connector's module loads). */
export async function toolSchema(name: string): Promise<{ name: string; description: string; input_schema: Readonly<Record<string, unknown>>; annotations: ToolAnnotations } | null> {
  const found = await findTool(name);
  if (!found) return null;
  const { tool } = found;
  return { name: tool.name, description: tool.description, input_schema: tool.input_schema, annotations: tool.annotations };
}

/** A field of the connect form, as the manifest declares it. */
export interface ConnectorField {
  name: string;
  label: string;
  description?: string;
  placeholder?: string;
  pattern?: string;
  optional: boolean;
}

export interface ConnectorInfo {
  id: string;
  name: string;
  description: string;
  auth_mode: AuthSpec["mode"];
  /** Secrets the end user enters (sealed at rest). */
  fields: ConnectorField[];
  /** Non-secret settings (`{{config.x}}`). */
  config: ConnectorField[];
  /** An mcp connector's server URL template, else null. */
  mcp_url: string | null;
  /** The host of `http.base_url` (a `{{config.x}}` left as is, e.g. `{{config.site}}.atlassian.net`), else null. */
  base_host: string | null;
}

/** A connector's summary from the light catalog (no module load); null for an unknown id. */
export function connectorInfo(id: string): ConnectorInfo | null {
  const m = manifests[id];
  if (!m) return null;
  const field = (f: NonNullable<typeof m.auth.fields>[number]): ConnectorField => ({
    name: f.name,
    label: f.label,
    ...(f.description !== undefined ? { description: f.description } : {}),
    ...(f.placeholder !== undefined ? { placeholder: f.placeholder } : {}),
    ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
    optional: f.optional ?? false,
  });
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    auth_mode: m.auth.mode,
    fields: (m.auth.fields ?? []).map(field),
    config: (m.auth.config ?? []).map(field),
    mcp_url: m.auth.mcp?.url ?? null,
    base_host: m.http ? (/^https?:\/\/([^/?#]+)/.exec(m.http.base_url)?.[1] ?? null) : null,
  };
}

async function findTool(toolName: string): Promise<{ connector: ConnectorModule; tool: CompiledTool<unknown> } | null> {
  const slash = toolName.indexOf("/");
  if (slash < 0) return null;
  const connector = await loadConnector(toolName.slice(0, slash));
  const tool = connector?.tools[toolName.slice(slash + 1)];
  return connector && tool ? { connector, tool } : null;
}

/** Base URL, auth spec and request, with the builders' refusals sorted into ToolErrors and internal errors. */
function built(env: Env, connector: ConnectorModule, config: Config, what: string, build: (base: string) => Omit<PreparedCall, "baseUrl" | "auth">): PreparedCall | ToolError {
  try {
    const baseUrl = connectorBaseUrl(env, connector, config);
    const auth = connector.auth(config);
    const spec = auth.mode === "oauth2_client_credentials" ? { ...auth, token_url: connectorTokenUrl(env, connector.id, auth.token_url) } : auth;
    return { ...build(baseUrl), baseUrl, auth: spec };
  } catch (err) {
    if (err instanceof InputRefused) return toolError("invalid_input", 400, `Invalid arguments: ${err.message}. Fix the arguments and call the tool again.`);
    if (err instanceof MissingConfig) return toolError("missing_credential", 401, err.message);
    if (err instanceof TemplateUnsupported) throw new ApiError("internal", `${what}: ${err.message}`);
    throw err;
  }
}

function unknownTool(toolName: string): ToolError {
  const name = JSON.stringify(toolName.slice(0, 100));
  return toolError("unknown_tool", 404, `there is no tool ${name}; tools are named <connector>/<tool>, e.g. github/create_issue`);
}

function toolError(kind: ToolError["kind"], status: number, message: string): ToolError {
  return { ok: false, kind, status, message, retryable: false };
}
