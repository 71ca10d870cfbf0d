import type { AppHandlers } from "../router";

// The hosted connect page (GET|POST /connect/:token): HTML for the end user's browser, no API key.
export const connectPageHandlers: Pick<AppHandlers, "showConnectPage" | "submitConnectPage"> = {
  async showConnectPage() {
    return new Response("connect page: not built yet", { status: 404, headers: { "content-type": "text/plain" } });
  },
  async submitConnectPage() {
    return new Response("connect page: not built yet", { status: 404, headers: { "content-type": "text/plain" } });
  },
};
