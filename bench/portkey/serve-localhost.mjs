// @hono/node-server with serve() bound to 127.0.0.1 (see launch.mjs).
import { serve as serveAnyHost } from "@hono/node-server";

export * from "@hono/node-server";
export const serve = (options, listeningListener) => serveAnyHost({ ...options, hostname: "127.0.0.1" }, listeningListener);
