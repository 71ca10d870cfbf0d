import { listTenantOrigins, replaceTenantOrigins } from "../db/tenant-origins";
import { badRequest } from "../errors";
import { callerKey } from "../http/context";
import { checkOrigins, forgetTenantOrigins } from "../http/cors";
import type { AppHandlers } from "../router";

// The tenant's allowed browser origins (runtime/http/cors.ts reads them on every browser request).
export const corsHandlers: Pick<AppHandlers, "getCors" | "setCors"> = {
  async getCors(_input, ctx) {
    return { status: 200, body: { allowed_origins: await listTenantOrigins(ctx.env.DB, callerKey(ctx).tenant_id) } };
  },
  async setCors({ body }, ctx) {
    const tenant = callerKey(ctx).tenant_id;
    const checked = checkOrigins(body.allowed_origins);
    if ("error" in checked) throw badRequest(`allowed_origins[${checked.index}] ${checked.error}`, `body.allowed_origins.${checked.index}`);
    await replaceTenantOrigins(ctx.env.DB, tenant, checked.origins, Date.now());
    forgetTenantOrigins(tenant);
    return { status: 200, body: { allowed_origins: checked.origins } };
  },
};
