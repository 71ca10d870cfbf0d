import { resolve } from "node:path";

/**
 * `[--check] [--root=<dir>]`, the arguments of both codegen commands (`gen`, `cf-typegen`).
 * Anything else prints the usage line and exits 2.
 */
export function checkAndRoot(command: string, argv = process.argv.slice(2)): { check: boolean; root: string } {
  const rootArg = argv.find((a) => a.startsWith("--root="));
  const unknown = argv.filter((a) => a !== "--check" && !a.startsWith("--root="));
  if (unknown.length > 0) {
    console.error(`${command}: unknown argument ${unknown.join(" ")}\nusage: npm run ${command} [-- --check] [--root=<dir>]`);
    process.exit(2);
  }
  return { check: argv.includes("--check"), root: resolve(rootArg ? rootArg.slice("--root=".length) : process.cwd()) };
}
