import { handlers } from "./handlers";
import { buildRouter } from "./router";
import { consumeIndexBatch } from "./search/queue-consumer";
import type { IndexJob } from "./search/search-index";
import { runDailyJob } from "./threads/daily-job";

export { Wallet } from "./wallet/wallet-object";

const route = buildRouter(handlers);

export default {
  fetch(req, env, ctx) {
    return route(req, env, ctx);
  },
  // The Cron Trigger (wrangler.toml [triggers]): retention and clean-up.
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runDailyJob(env, controller.scheduledTime));
  },
  // The search index's Queue consumer: a turn never waits for indexing.
  queue(batch, env) {
    return consumeIndexBatch(batch, env);
  },
} satisfies ExportedHandler<Env, IndexJob>;
