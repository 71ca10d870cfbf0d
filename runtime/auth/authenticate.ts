import type { AuthLevel } from "../../generated/api/routes";
import { ApiError } from "../errors";
import { checkKeyShape } from "./key-material";
import { findKeyBySecret, type KeyRecord } from "./key-store";
import { clientAddress, countFailure, countKeyRequest, refuseBlockedAddress } from "./rate-limits";

/** Who is calling. `key` is null only on routes that need no key. */
export interface Caller {
  key: KeyRecord | null;
}

/** `x-api-key: <key>` or `Authorization: Bearer <key>`. */
export function extractSecret(req: Request): string | null {
  const direct = req.headers.get("x-api-key");
  if (direct) return direct.trim();
  const auth = req.headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return null;
}

export async function authenticate(req: Request, env: Env, ctx: ExecutionContext, level: AuthLevel): Promise<Caller> {
  if (level === "none") return { key: null };
  const address = clientAddress(req);
  refuseBlockedAddress(address);
  try {
    const caller = await identify(req, env, ctx, level);
    if (caller.key) await countKeyRequest(env, caller.key);
    return caller;
  } catch (e) {
    // Every 401 counts against the address; a flood of them meets the limit (429).
    if (e instanceof ApiError && e.kind === "authentication") throw (await countFailure(env, address)) ?? e;
    throw e;
  }
}

async function identify(req: Request, env: Env, ctx: ExecutionContext, level: Exclude<AuthLevel, "none">): Promise<Caller> {
  if (level === "admin") {
    const token = extractSecret(req);
    if (!env.ADMIN_TOKEN) throw new ApiError("permission", "admin routes are disabled: set the ADMIN_TOKEN secret to enable them");
    if (!token || !(await timingSafeEqual(token, env.ADMIN_TOKEN))) throw new ApiError("authentication", "invalid admin token");
    return { key: null };
  }
  const secret = extractSecret(req);
  if (!secret) throw new ApiError("authentication", "missing API key: send x-api-key: <key> or Authorization: Bearer <key>");
  checkShape(secret);
  // Billable routes are guarded by the Wallet (a revocation reaches this isolate's lease at
  // once, every other isolate's within its 2 s re-check); master routes read D1 directly;
  // only read-only standard routes may use a stale cache entry.
  const key = await findKeyBySecret(env, ctx, secret, { fresh: level === "master" });
  if (!key) throw new ApiError("authentication", "invalid or revoked API key");
  if (level === "master" && key.scope !== "master") {
    throw new ApiError("permission", "this operation needs a master key; this key's scope is standard");
  }
  return { key };
}

/** Refuses a string that cannot be a key before any lookup (no D1 or KV read). */
function checkShape(secret: string): void {
  const shape = checkKeyShape(secret);
  switch (shape) {
    case "ok":
      return;
    case "malformed":
      throw new ApiError("authentication", "invalid API key format: keys look like qlk_live_… or qlk_test_… followed by 32 letters and digits");
    case "no_checksum":
      throw new ApiError(
        "authentication",
        "invalid API key: its checksum does not match, so it was mistyped or cut short; copy the whole key again (a key minted before checksums must be replaced by a new one)",
      );
    default: {
      const never: never = shape;
      throw new Error(`unknown key shape ${String(never)}`);
    }
  }
}

/** Constant-time comparison via HMAC of both sides (lengths may differ). */
async function timingSafeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey("raw", crypto.getRandomValues(new Uint8Array(32)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const [x, y] = await Promise.all([crypto.subtle.sign("HMAC", k, enc.encode(a)), crypto.subtle.sign("HMAC", k, enc.encode(b))]);
  const xa = new Uint8Array(x);
  const ya = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < xa.length; i++) diff |= (xa[i] ?? 0) ^ (ya[i] ?? 0);
  return diff === 0;
}
