// Module resolve hook (see launch.mjs): every import of @hono/node-server except the shim's
// own gets serve-localhost.mjs.
const shim = new URL("./serve-localhost.mjs", import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === "@hono/node-server" && context.parentURL !== shim) return { url: shim, shortCircuit: true };
  return next(specifier, context);
}
