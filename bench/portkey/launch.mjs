// Starts the Portkey gateway's own Node entry (build/start-server.js) bound to 127.0.0.1.
// Its start script calls @hono/node-server's serve() without a hostname, which listens on
// every interface; a resolve hook hands it serve-localhost.mjs instead, the same module
// with the hostname filled in. Arguments pass through: node launch.mjs --port=8788 --headless
import { register } from "node:module";
import { fileURLToPath } from "node:url";

register("./bind-localhost-hooks.mjs", import.meta.url);
// The bench talks to this process over stdin: when it goes away, so do we.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
await import(fileURLToPath(new URL("./node_modules/@portkey-ai/gateway/build/start-server.js", import.meta.url)));
