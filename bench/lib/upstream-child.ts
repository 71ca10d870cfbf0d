// The benchmark's upstream, run in its own process so the load generator does not share its
// event loop: the project's scripted local upstream (test/support/upstream-server.ts) with
// the bench reply (upstream-reply.ts). Prints `{"url": …}` once listening; exits when its
// stdin closes (the bench went away) or on SIGTERM.
import { startUpstream } from "../../test/support/upstream-server";
import { benchReply } from "./upstream-reply";

const up = await startUpstream();
up.setDefault(benchReply);
// The server records every call for tests; a benchmark makes hundreds of thousands.
const trim = setInterval(() => (up.calls.length = 0), 500);
process.stdout.write(`${JSON.stringify({ url: up.url })}\n`);

const stop = () => {
  clearInterval(trim);
  void up.close().finally(() => process.exit(0));
};
process.stdin.on("end", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
