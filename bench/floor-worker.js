// The floor of bench:gateway: a trivial pass-through Worker. Whatever it costs is the price
// of the runtime itself (one hop into workerd, one fetch out, the body streamed back), so
// Gatehouse's throughput is reported as a ratio of this one's, in the same run.
export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    return fetch(`${env.UPSTREAM}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body: req.body });
  },
};
