// A manifest's tool, called by name ("<connector>/<tool>"): the generated validator, the
// compiled request, the connector's auth turned into the executor's AuthSpec, the base URL
// (or its override), then executeTool with the tool's select/max_chars. Not behind a route yet.
import { connectorAuth, toolRequests, type CompiledConnectorAuth, type CompiledRequest, type TemplatePart } from "../../generated/connectors/requests";
import { toolValidators } from "../../generated/connectors/validators.js";
import { ApiError } from "../errors";
import { connectorBaseUrl } from "./connector-url";
import { executeTool, type ExecuteOptions } from "./execute";
import { checkInput } from "./input-errors";
import { buildRequest, InputRefused, MissingConfig, TemplateUnsupported } from "./request-builder";
import type { AuthSpec, BuiltRequest, Credential, ToolError, ToolOutcome } from "./types";

export interface CallOptions extends Omit<ExecuteOptions, "baseUrl" | "auth" | "credential" | "select" | "maxChars"> {
  /** The connection's non-secret settings (`{{config.x}}`). */
  config?: Readonly<Record<string, string>>;
}

/** Everything executeTool needs except the credential: what the call would send, and where. */
export interface PreparedCall {
  request: BuiltRequest;
  baseUrl: string;
  auth: AuthSpec;
  compiled: CompiledRequest;
}

export async function callTool(env: Env, toolName: string, args: unknown, credential: Credential, opts: CallOptions): Promise<ToolOutcome> {
  const prepared = prepareToolCall(env, toolName, args, opts.config ?? {});
  if (!("request" in prepared)) return prepared;
  const { request, baseUrl, auth, compiled } = prepared;
  return executeTool(request, { ...opts, baseUrl, auth, credential, select: compiled.select, maxChars: compiled.max_chars });
}

/**
 * Validate and build without sending. Errors a model or end user can act on come back as
 * ToolErrors; a misconfigured deployment or manifest throws an internal ApiError (as config.ts does).
 */
export function prepareToolCall(env: Env, toolName: string, args: unknown, config: Readonly<Record<string, string>>): PreparedCall | ToolError {
  const compiled = toolRequests[toolName];
  const validate = toolValidators[toolName];
  const connectorId = toolName.split("/")[0] ?? "";
  const auth = connectorAuth[connectorId];
  if (!compiled || !validate || !auth) return unknownTool(toolName);
  const invalid = checkInput(validate, args);
  if (invalid) return invalid;
  const baseUrl = connectorBaseUrl(env, connectorId, auth, config);
  const spec = authSpecOf(connectorId, auth);
  try {
    const request = buildRequest(compiled, auth.headers, baseUrl, { input: args as Record<string, unknown>, config });
    return { request, baseUrl, auth: spec, compiled };
  } catch (err) {
    if (err instanceof InputRefused) return toolError("invalid_input", 400, `Invalid arguments: ${err.message}. Fix the arguments and call the tool again.`);
    if (err instanceof MissingConfig) return toolError("missing_credential", 401, err.message);
    if (err instanceof TemplateUnsupported) throw new ApiError("internal", `connector tool ${toolName}: ${err.message}`);
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

type Inject = CompiledConnectorAuth["inject"][number];
type Ref = Exclude<TemplatePart, string>;

/** `[{auth.x}]` → "x", else null: a value that is exactly one credential field. */
function soleField(parts: readonly TemplatePart[] | null): string | null {
  const [only] = parts ?? [];
  return parts?.length === 1 && isAuthRef(only) ? only.path.join(".") : null;
}

/** `["Bearer ", {auth.x}]` → { prefix: "Bearer ", field: "x" }: literal text, then one field. */
function prefixedField(parts: readonly TemplatePart[] | null): { prefix: string; field: string } | null {
  if (!parts) return null;
  const last = parts.at(-1);
  const head = parts.slice(0, -1);
  if (!isAuthRef(last) || !head.every((p) => typeof p === "string")) return null;
  return { prefix: head.join(""), field: last.path.join(".") };
}

function isAuthRef(p: TemplatePart | undefined): p is Ref {
  return p !== undefined && typeof p !== "string" && p.ref === "auth";
}

/**
 * The manifest's `inject` list as one of the executor's auth modes, so the credential is
 * only ever put on the request inside the executor (and redacted there). Shapes no mode
 * expresses (text after the field, mixed header and query) are refused, not approximated.
 */
export function authSpecOf(connectorId: string, auth: CompiledConnectorAuth): AuthSpec {
  const spec = mapInject(auth.inject);
  if (spec === null) throw new ApiError("internal", `connector ${connectorId}: its auth inject list (mode ${auth.mode}) has no executor auth mode yet`);
  return spec;
}

function mapInject(inject: readonly Inject[]): AuthSpec | null {
  const [first] = inject;
  if (first === undefined) return { mode: "none" };
  if (inject.length === 1 && first.in === "header" && first.name) {
    const pf = prefixedField(first.value);
    if (!pf) return null;
    if (first.name.toLowerCase() === "authorization" && pf.prefix === "Bearer ") return { mode: "bearer", field: pf.field };
    return { mode: "api_key", header: first.name, field: pf.field, prefix: pf.prefix };
  }
  if (inject.length === 1 && first.in === "basic") {
    const [user, password] = [soleField(first.username), soleField(first.password)];
    return user && password ? { mode: "basic", username_field: user, password_field: password } : null;
  }
  const pairs = inject.map((i) => [i.name, soleField(i.value)] as const);
  if (pairs.some(([name, field]) => !name || !field)) return null;
  const table = Object.fromEntries(pairs) as Record<string, string>;
  if (inject.every((i) => i.in === "header")) return { mode: "api_key_multi_header", headers: table };
  if (inject.every((i) => i.in === "query")) return { mode: "api_key_query", params: table };
  return null;
}
