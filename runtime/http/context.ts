import type { Caller } from "../auth/authenticate";
import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";

/** Everything a handler may use besides its validated input. */
export interface RequestContext {
  env: Env;
  exec: ExecutionContext;
  req: Request;
  requestId: string;
  caller: Caller;
  /** performance.now() when the Worker started on this request. */
  startedAt: number;
}

/** The calling key; handlers of authenticated routes always have one. */
export function callerKey(ctx: RequestContext): KeyRecord {
  if (!ctx.caller.key) throw new ApiError("internal", "route declared without auth reached a keyed handler");
  return ctx.caller.key;
}
