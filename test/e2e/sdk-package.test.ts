// The client SDK as a stranger gets it (issue 19): `npm pack` the sdk/ package, install the
// tarball offline into a fresh temp project, type-check a consumer (and the READMEs' examples)
// with NodeNext and with bundler resolution (and prove the check is real with deliberate type
// errors), then run the compiled consumer with plain node against Prism and against the real
// Worker (workerd via Miniflare), the same file in Chromium, and the package bundled into a
// Worker beside Gatehouse. The consumer (sdk-package-consumer.ts) prints what it saw; this file
// asserts on that and on what the servers saw: the Worker's usage row for a stream the consumer
// left with `break`, and the arrival times of a retried request behind a local front that
// answers 429 + Retry-After. One Prism, one Worker, one Chromium for the whole file.
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, resolve, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { collect } from "../../sdk/build";
import { bundleWorker, startLocalWorker, WORKERD_BUNDLE, type LocalWorker } from "../support/local-worker";
import type { Browser } from "playwright-core";
import { findChromium, launchChromium } from "../support/browser";
import { usageEvents } from "../support/money-probe";
import { freePort, ROOT } from "./project-copy";

const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const SDK_WORKER = "sdk-client";
const RETRY_AFTER_S = 2;

interface Ran {
  code: number | null;
  out: string;
}

/** Runs a command to its end (npm's own npm_* variables removed, so the temp project is not steered by ours). */
function run(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}, timeoutMs = 60_000): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      ok({ code, out });
    });
  });
}

interface Prism {
  url: string;
  stop(): void;
}

async function startPrism(): Promise<Prism> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("npx", ["prism", "mock", "generated/openapi/openapi.yaml", "--port", String(port), "--host", "127.0.0.1"], { cwd: ROOT, stdio: "ignore", detached: true });
  const stop = () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  };
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(`${url}/v1/health`);
      return { url, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  stop();
  throw new Error("prism did not start within 60 s");
}

/**
 * A local front in the test process. `/retry/…`: odd-numbered requests get 429 + Retry-After,
 * even ones are proxied to `target` (the retry scenario's base URL is `<front>/retry`).
 * `/v1/…`: proxied to `target`, streams included (the browser's same-origin API). Anything
 * else: a file of `staticDir` (the browser's page and the installed package).
 */
interface Front {
  url: string;
  /** The requests under /retry/, in order. */
  arrivals: { at: number; path: string; answered: number }[];
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json" };

async function startFront(target: string, staticDir?: string): Promise<Front> {
  const arrivals: Front["arrivals"] = [];
  const proxy = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<number> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => k !== "host" && k !== "connection" && typeof v === "string")) as Record<string, string>;
    const controller = new AbortController();
    res.on("close", () => controller.abort()); // the client left (a `break`): leave upstream too
    const method = req.method ?? "GET";
    const up = await fetch(`${target}${path}`, { method, headers, body: chunks.length ? Buffer.concat(chunks) : null, signal: controller.signal });
    const keep = ["content-type", "retry-after", "x-qlaud-request-id", "x-qlaud-cost-micros"];
    res.writeHead(up.status, Object.fromEntries(keep.flatMap((h) => (up.headers.get(h) === null ? [] : [[h, up.headers.get(h) as string]]))));
    if (up.body) {
      const reader = up.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        res.write(value);
      }
    }
    res.end();
    return up.status;
  };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    const fail = (e: unknown) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(e));
    };
    if (url.startsWith("/retry/")) {
      const arrival = { at: Date.now(), path: url.slice("/retry".length), answered: 0 };
      arrivals.push(arrival);
      if (arrivals.length % 2 === 1) {
        arrival.answered = 429;
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(RETRY_AFTER_S) });
        res.end(JSON.stringify({ error: { type: "rate_limit_error", message: "slow down (sdk-package test front)" } }));
        return;
      }
      proxy(req, res, arrival.path).then((status) => (arrival.answered = status), fail);
      return;
    }
    if (url.startsWith("/v1/")) {
      proxy(req, res, url).catch(fail);
      return;
    }
    const file = staticDir ? resolve(staticDir, `.${new URL(url, "http://x").pathname}`) : "";
    if (!staticDir || !file.startsWith(staticDir + sep)) return void res.writeHead(404).end();
    readFile(file).then(
      (bytes) => res.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" }).end(bytes),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Checks {
  nodenext: Ran;
  bundler: Ran;
  bad: Ran;
  examples: number;
  rootSection: string;
}

/**
 * Type-checks the consumer, the Worker and the READMEs' examples in the fresh project, as a
 * stranger's tsconfig would, and compiles the consumer to out/ (NodeNext) for the runs.
 */
async function typeCheck(): Promise<Checks> {
  await copyFile(join(ROOT, "test/e2e/sdk-package-consumer.ts"), join(app, "consumer.ts"));
  await writeFile(
    join(app, "bad.ts"),
    [
      'import { Gatehouse } from "@gatehouse/client";',
      'const gh = new Gatehouse({ baseURL: "http://127.0.0.1:1" });',
      'await gh.keys.create({ name: 42 });',
      'for await (const ev of gh.messages.stream({ model: "m", max_tokens: 1, messages: [] })) if (ev.type === "message_start") console.log(ev.delta);',
      "",
    ].join("\n"),
  );
  // The README's TypeScript examples (as packed) are consumers too: each block is a module.
  // So is the example in the root README's "Client SDK" section.
  const readme = await readFile(join(app, "node_modules/@gatehouse/client/README.md"), "utf8");
  const rootSection = /\n## Client SDK\n([\s\S]*?)\n## /.exec(await readFile(join(ROOT, "README.md"), "utf8"))?.[1] ?? "";
  const examples = [...`${readme}\n${rootSection}`.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  await Promise.all(examples.map((code, i) => writeFile(join(app, `readme-${i + 1}.ts`), code)));
  const readmeFiles = examples.map((_, i) => `readme-${i + 1}.ts`);
  const base = { target: "ES2022", strict: true, skipLibCheck: true, noUncheckedIndexedAccess: true };
  // NodeNext: Node's own resolution, @types/node (borrowed from this repo: the temp project is offline).
  const nodenext = { compilerOptions: { ...base, module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], typeRoots: [join(ROOT, "node_modules/@types")], types: ["node"], outDir: "out" }, files: ["consumer.ts", ...readmeFiles] };
  // Bundler: as Vite/esbuild/wrangler projects have it, with the DOM libs and no Node types (a browser app).
  // This one also checks the package's own .d.ts files (skipLibCheck off; the default libs are TypeScript's).
  const bundlerOptions = { ...base, module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM", "DOM.Iterable"], types: [], noEmit: true };
  const bundler = { compilerOptions: { ...bundlerOptions, skipLibCheck: false, skipDefaultLibCheck: true }, files: ["consumer.ts", "worker.ts"] };
  const bad = { compilerOptions: bundlerOptions, files: ["bad.ts"] };
  await writeFile(join(app, "tsconfig.nodenext.json"), JSON.stringify(nodenext, null, 2));
  await writeFile(join(app, "tsconfig.bundler.json"), JSON.stringify(bundler, null, 2));
  await writeFile(join(app, "tsconfig.bad.json"), JSON.stringify(bad, null, 2));
  const [nodenext_, bundler_, bad_] = await Promise.all(["nodenext", "bundler", "bad"].map((c) => run(process.execPath, [TSC, "-p", `tsconfig.${c}.json`], app)));
  return { nodenext: nodenext_ as Ran, bundler: bundler_ as Ran, bad: bad_ as Ran, examples: examples.length, rootSection };
}

let work: string;
let app: string;
let tarball: string;
let packList: string[];
let installOut: string;
let checks: Checks;
let prism: Prism;
let worker: LocalWorker;
let browser: Browser | undefined;
const chromiumPath = findChromium();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "gatehouse-sdk-e2e-"));
  app = join(work, "app");
  const pack = async () => {
    const packed = await run("npm", ["pack", join(ROOT, "sdk"), "--pack-destination", work], ROOT);
    if (packed.code !== 0) throw new Error(`npm pack ./sdk failed:\n${packed.out}`);
    const tgz = (await readdir(work)).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack wrote no tarball:\n${packed.out}`);
    tarball = join(work, tgz);
    const listed = await run("tar", ["-tzf", tarball], work);
    packList = listed.out.split("\n").filter(Boolean).sort();
    await mkdir(app);
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "sdk-consumer", private: true, type: "module" }, null, 2));
    const installed = await run("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund", "--cache", join(work, "npm-cache")], app);
    installOut = installed.out;
    if (installed.code !== 0) throw new Error(`npm install <tarball> --offline failed:\n${installed.out}`);
    // A Worker of the fresh project, bundled from its node_modules as wrangler would.
    await copyFile(join(ROOT, "test/e2e/sdk-package-worker.ts"), join(app, "worker.ts"));
    const bundled = await build({ ...WORKERD_BUNDLE, entryPoints: [join(app, "worker.ts")], absWorkingDir: app });
    return bundled.outputFiles[0]?.text ?? "";
  };
  // Settled, not Promise.all: whatever started is kept for afterAll to stop, even when a sibling failed.
  let script = "";
  await allOrFirstFailure([
    pack().then((s) => void (script = s)),
    startPrism().then((p) => void (prism = p)),
    chromiumPath ? launchChromium(chromiumPath).then((b) => void (browser = b)) : Promise.resolve(),
    bundleWorker().then(() => undefined),
  ]);
  await allOrFirstFailure([
    startLocalWorker({
      workers: [{ name: SDK_WORKER, modules: true, script, compatibilityDate: "2026-04-26", serviceBindings: { GATEHOUSE: "gatehouse" } }],
    }).then((w) => void (worker = w)),
    typeCheck().then((c) => void (checks = c)),
  ]);
}, 120_000);

async function allOrFirstFailure(steps: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

afterAll(async () => {
  await browser?.close();
  prism?.stop();
  await worker?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed SDK", () => {
  it("contains only the SDK: dist JS + .d.ts, README, LICENSE, package.json (no sources, no dependencies)", async () => {
    for (const f of packList) expect(f).toMatch(/^package\/(package\.json|README\.md|LICENSE|dist\/[\w/-]+\.(js|d\.ts))$/);
    expect(packList).toEqual(expect.arrayContaining(["package/package.json", "package/README.md", "package/LICENSE", "package/dist/index.js", "package/dist/index.d.ts"]));
    const pkgDir = join(app, "node_modules/@gatehouse/client");
    expect(await readFile(join(pkgDir, "LICENSE"), "utf8")).toBe(await readFile(join(ROOT, "LICENSE"), "utf8"));
    const manifest = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: "@gatehouse/client", version: "0.1.0", type: "module", license: "Apache-2.0", engines: { node: ">=20" } });
    expect(manifest.exports).toEqual({ ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" });
    expect(manifest.dependencies).toBeUndefined();
    // Runs in browsers, Workers, Deno and Bun: no Node built-ins, no CommonJS.
    for (const f of packList.filter((p) => p.endsWith(".js"))) {
      const js = await readFile(join(pkgDir, f.replace(/^package\//, "")), "utf8");
      expect(js, f).not.toMatch(/from\s+["']node:|import\(\s*["']node:|\brequire\(|\bprocess\.|\bBuffer\b/);
    }
  });

  it("installs offline into a fresh project as its only package and imports with plain node", async () => {
    expect(installOut).toMatch(/added 1 package/);
    expect(await readdir(join(app, "node_modules"))).toEqual(expect.arrayContaining(["@gatehouse"]));
    expect((await readdir(join(app, "node_modules"))).filter((d) => !d.startsWith("."))).toEqual(["@gatehouse"]);
    const imported = await run(process.execPath, ["--input-type=module", "-e", 'const m = await import("@gatehouse/client"); console.log(typeof m.Gatehouse, typeof m.GatehouseError)'], app);
    expect(imported.out.trim()).toBe("function function");
  });

  it("type-checks a consumer (and the README's examples) with moduleResolution NodeNext and Bundler; a type error fails the check", () => {
    expect(checks.rootSection).toContain("@gatehouse/client");
    expect(checks.examples).toBeGreaterThanOrEqual(6);
    expect(checks.nodenext.out).toBe("");
    expect(checks.nodenext.code).toBe(0);
    expect(checks.bundler.out).toBe("");
    expect(checks.bundler.code).toBe(0);
    // The check is real: exactly the two planted mistakes, each where it was planted, and no resolution error.
    const bad = checks.bad;
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/bad\.ts\(3,\d+\): error TS2322/); // name: 42
    expect(bad.out).toMatch(/bad\.ts\(4,\d+\): error TS2339: Property 'delta' does not exist/); // message_start has no delta
    expect(bad.out.match(/error TS/g)).toHaveLength(2);
  });

  it("runs against Prism: keys, a typed stream, break, a 429 retried after Retry-After, typed 402 and 429", async () => {
    const front = await startFront(prism.url);
    try {
      const ran = await run(process.execPath, ["out/consumer.js"], app, { GH_TARGET: "prism", GH_URL: prism.url, GH_RETRY_URL: `${front.url}/retry`, GH_KEY: "qlk_test_sdkpackage" }, 45_000);
      expect(ran.code, ran.out).toBe(0);
      const r = JSON.parse(ran.out.trim().split("\n").pop() ?? "{}") as Record<string, Record<string, unknown>>;
      const why = `the consumer reported ${JSON.stringify(r)}`;
      expect(r.keys, why).toMatchObject({ secretPrefix: expect.stringMatching(/^qlk_(live|test)_/), listStatus: 200, revoked: true });
      // Prism streams the spec's text/event-stream example: real Anthropic events.
      expect(r.stream?.types, why).toEqual(expect.arrayContaining(["message_start", "content_block_delta", "message_stop"]));
      expect(r.stream?.finalRole, why).toBe("assistant");
      expect(r.stream?.finalText, why).toBe(r.stream?.text); // finalMessage() is what the events built
      expect(r.break, why).toMatchObject({ deltas: 1, aborted: true });
      expectRetriedAndPaymentTyped(front, r, why);
      expect(r.rateLimit, why).toMatchObject({ name: "RateLimitError", status: 429, base: true });
    } finally {
      await front.close();
    }
  }, 60_000);

  it("runs against the Worker: keys (revoked is refused), a typed stream, break cancels upstream, 429 retried, typed 402", async () => {
    const front = await startFront(worker.url);
    try {
      const ran = await run(process.execPath, ["out/consumer.js"], app, { GH_TARGET: "worker", GH_URL: worker.url, GH_RETRY_URL: `${front.url}/retry`, GH_KEY: worker.masterKey }, 45_000);
      expect(ran.code, ran.out).toBe(0);
      const r = JSON.parse(ran.out.trim().split("\n").pop() ?? "{}") as Record<string, Record<string, unknown>>;
      const why = `the consumer reported ${JSON.stringify(r)}`;
      expect(r.keys, why).toMatchObject({ secretPrefix: "qlk_test_", listStatus: 200, revoked: true, afterRevoke: { name: "AuthenticationError", status: 401, base: true } });
      // mock/echo repeats the prompt; the typed events narrowed to text deltas rebuild it.
      expect(r.stream?.types, why).toEqual(expect.arrayContaining(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]));
      expect(r.stream?.text, why).toBe("hello from a fresh project");
      expect(r.stream?.finalText, why).toBe("hello from a fresh project");
      // break at the first text delta of a 60-word answer sent at 150 ms a piece (~9 s in all).
      expect(r.break, why).toMatchObject({ deltas: 1, aborted: true });
      expect(r.break?.ms).toBeLessThan(5_000);
      const keyId = String(r.break?.keyId);
      // The Worker saw the disconnect: the request settled as not-ok, billed for far less than the whole answer.
      await expect.poll(async () => (await usageEvents(worker, worker.tenantId)).filter((e) => e.key_id === keyId).length, { timeout: 10_000 }).toBe(1);
      const [event] = (await usageEvents(worker, worker.tenantId)).filter((e) => e.key_id === keyId);
      expect(event?.outcome).toBe("client_disconnected");
      expect(event?.output_tokens).toBeLessThan(30);
      expectRetriedAndPaymentTyped(front, r, why);
    } finally {
      await front.close();
    }
  }, 60_000);
});

describe("sdk/build.ts", () => {
  it("follows the client's relative imports and refuses a package or a Node built-in (the SDK has no dependencies)", async () => {
    const dir = join(work, "graph");
    await mkdir(join(dir, "api"), { recursive: true });
    await writeFile(join(dir, "api/types.ts"), "export type T = 1;\n");
    await writeFile(join(dir, "index.ts"), '// import "node:fs" in a comment does not count\nexport type { T } from "./api/types";\n');
    expect(collect(join(dir, "index.ts")).map((f) => f.slice(dir.length + 1))).toEqual(["api/types.ts", "index.ts"]);
    for (const spec of ["node:fs", "undici"]) {
      await writeFile(join(dir, "api/types.ts"), `import "${spec}";\nexport type T = 1;\n`);
      expect(() => collect(join(dir, "index.ts"))).toThrow(`imports "${spec}"; the client package has no runtime dependencies`);
    }
  });
});

describe("the packed SDK in a browser", () => {
  it.skipIf(!chromiumPath)("the same compiled consumer runs in Chromium (an import map names the package's dist) against Prism", async () => {
    const front = await startFront(prism.url, app);
    const config = { GH_TARGET: "prism", GH_URL: front.url, GH_RETRY_URL: `${front.url}/retry`, GH_KEY: "qlk_test_sdkpackage" };
    await writeFile(
      join(app, "index.html"),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>@gatehouse/client in a page</title>
<script type="importmap">{"imports":{"@gatehouse/client":"/node_modules/@gatehouse/client/dist/index.js"}}</script>
<script>globalThis.GH_ENV = ${JSON.stringify(config)};</script>
<script type="module" src="/out/consumer.js"></script></head><body></body></html>`,
    );
    const page = await (browser as Browser).newPage();
    try {
      const seen: string[] = [];
      const report = new Promise<string>((ok, fail) => {
        page.on("console", (m) => {
          if (m.text().startsWith('{"target"')) ok(m.text());
          else seen.push(`${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", fail);
        setTimeout(() => fail(new Error(`the page printed no report within 20 s; its console: ${seen.join(" | ") || "(empty)"}`)), 20_000);
      });
      await page.goto(`${front.url}/index.html`);
      const r = JSON.parse(await report) as Record<string, Record<string, unknown>>;
      const why = `the page reported ${JSON.stringify(r)}`;
      expect(r.keys, why).toMatchObject({ secretPrefix: expect.stringMatching(/^qlk_(live|test)_/), revoked: true });
      expect(r.stream?.types, why).toEqual(expect.arrayContaining(["message_start", "content_block_delta", "message_stop"]));
      expect(r.stream?.finalText, why).toBe(r.stream?.text);
      expect(r.break, why).toMatchObject({ deltas: 1, aborted: true });
      expectRetriedAndPaymentTyped(front, r, why);
      expect(r.rateLimit, why).toMatchObject({ name: "RateLimitError", status: 429, base: true });
    } finally {
      await page.close();
      await front.close();
    }
  }, 30_000);
});

describe("the packed SDK in workerd", () => {
  it("bundled into a Worker (esbuild, workerd conditions) it calls Gatehouse over a service binding: keys, a typed stream, a break the server sees", async () => {
    const sdkWorker = (await worker.mf.getWorker(SDK_WORKER)) as unknown as Fetcher;
    const res = (await sdkWorker.fetch("http://sdk-client/", { method: "POST", body: JSON.stringify({ key: worker.masterKey }) })) as unknown as Response;
    const r = (await res.json()) as Record<string, Record<string, unknown> | string | undefined>;
    const why = `the Worker reported ${JSON.stringify(r)}`;
    expect(r.error, why).toBeUndefined();
    expect(r.keys, why).toMatchObject({ refused: "AuthenticationError 401" });
    expect(r.stream, why).toEqual({ text: "hello from workerd", deltas: expect.any(Number) });
    const brk = r.break as Record<string, unknown>;
    expect(brk, why).toMatchObject({ deltas: 1, aborted: true });
    expect(brk.settledAfterMs, `${why}: Gatehouse never settled the request while the SDK's Worker waited`).toEqual(expect.any(Number));
    expect(brk.settledAfterMs, why).toBeLessThan(4_000); // the answer would take ~9 s
    // Gatehouse's request.signal fired: the request settled as client_disconnected, billed for a fraction of the answer.
    await expect.poll(async () => (await usageEvents(worker, worker.tenantId)).filter((e) => e.key_id === brk.keyId).length, { timeout: 10_000 }).toBe(1);
    const [event] = (await usageEvents(worker, worker.tenantId)).filter((e) => e.key_id === brk.keyId);
    expect(event?.outcome).toBe("client_disconnected");
    expect(event?.output_tokens).toBeLessThan(30);
  }, 30_000);
});

/** The first call was answered 429 + Retry-After, retried once no sooner than Retry-After said, and then succeeded. */
/** What every consumer run reports alike: the 429 retried after Retry-After (and not by the maxRetries: 0 client), and the 402 as InsufficientFundsError. */
function expectRetriedAndPaymentTyped(front: Front, r: Record<string, Record<string, unknown>>, why: string): void {
  expect(r.payment, why).toEqual({ name: "InsufficientFundsError", status: 402 });
  const retry = r.retry;
  expect(retry).toMatchObject({ status: "ok", noRetry: { name: "RateLimitError", status: 429, base: true } });
  const [first, second, third] = front.arrivals;
  expect(front.arrivals.map((a) => a.answered)).toEqual([429, 200, 429]); // the third: the maxRetries: 0 client, not retried
  expect(first?.path).toBe("/v1/health");
  const gap = (second?.at ?? 0) - (first?.at ?? 0);
  expect(gap).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 50);
  expect(gap).toBeLessThan(RETRY_AFTER_S * 1000 + 3_000);
  expect(third?.path).toBe("/v1/health");
}
