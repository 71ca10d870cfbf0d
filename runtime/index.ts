import { handlers } from "./handlers";
import { buildRouter } from "./router";

export { Wallet } from "./wallet/wallet-object";

const route = buildRouter(handlers);

export default {
  fetch(req, env, ctx) {
    return route(req, env, ctx);
  },
} satisfies ExportedHandler<Env>;
