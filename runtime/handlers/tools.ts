import type { AppHandlers } from "../router";

// Tools REST: search, schemas, execute, and the tenant's webhook tools.
export const toolHandlers: Pick<AppHandlers, never> = {};
