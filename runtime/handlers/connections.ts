import type { AppHandlers } from "../router";

// Connections (POST/GET/DELETE /v1/connections), the hosted connect page and vault rotation.
export const connectionHandlers: Pick<AppHandlers, never> = {};
