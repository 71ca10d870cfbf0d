// Samples the JavaScript CPU time of every isolate in a workerd (Miniflare `inspectorPort`)
// through the V8 inspector, while some load runs, and attributes self time to functions and to
// the source files of the bundle (esbuild's `// path/to/file.ts` markers). Needs a global
// WebSocket: Node ≥ 22, or Node 20 with --experimental-websocket.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface IsolateProfile {
  /** The workerd worker, e.g. `core:user:` (the Worker under test) or a Miniflare simulator. */
  isolate: string;
  /** JS self time (ms) excluding idle, by `function (file)`. */
  byFunction: Map<string, number>;
  /** JS self time (ms) excluding idle, by source file of the bundle (or the script url). */
  byFile: Map<string, number>;
  busyMs: number;
}

export const canProfile = () => typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function";

class Session {
  private next = 1;
  private readonly pending = new Map<number, (v: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.pending.get(msg.id)?.(msg.result);
    });
  }
  static open(url: string): Promise<Session> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(url);
      ws.addEventListener("open", () => ok(new Session(ws)));
      ws.addEventListener("error", () => fail(new Error(`inspector ${url} refused the connection`)));
    });
  }
  send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.next++;
    return new Promise((ok) => {
      this.pending.set(id, ok as (v: unknown) => void);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  close() {
    this.ws.close();
  }
}

/** Which bundled source file each line of a bundle belongs to. */
function fileOfLine(bundle: string): (line: number) => string {
  const starts: [number, string][] = [];
  bundle.split("\n").forEach((text, i) => {
    const m = /^\/\/ (\S+\.(?:ts|js|mjs))$/.exec(text);
    if (m?.[1]) starts.push([i, m[1]]);
  });
  return (line) => {
    let file = "(bundle)";
    for (const [at, name] of starts) {
      if (at > line) break;
      file = name;
    }
    return file;
  };
}

/** Runs `load` while sampling every isolate; `bundles` maps a script url suffix to its text. */
export async function profileWhile(inspectorPort: number, load: () => Promise<void>, bundles: Record<string, string> = {}): Promise<IsolateProfile[]> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { id: string; webSocketDebuggerUrl: string }[];
  const sessions = await Promise.all(targets.map(async (t) => ({ id: t.id, s: await Session.open(t.webSocketDebuggerUrl) })));
  for (const { s } of sessions) {
    await s.send("Profiler.enable");
    await s.send("Profiler.setSamplingInterval", { interval: 500 });
    await s.send("Profiler.start");
  }
  try {
    await load();
  } finally {
    for (const x of sessions) {
      const { profile } = await x.s.send<{ profile: Profile }>("Profiler.stop");
      (x as { profile?: Profile }).profile = profile;
      x.s.close();
    }
  }
  const mappers = Object.entries(bundles).map(([suffix, text]) => [suffix, fileOfLine(text)] as const);
  return sessions.map((x) => {
    const profile = (x as { profile?: Profile }).profile as Profile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const parentOf = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    const byFunction = new Map<string, number>();
    const byFile = new Map<string, number>();
    let busyMs = 0;
    profile.samples.forEach((id, i) => {
      const cf = nodes.get(id);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!cf || cf.functionName === "(idle)" || cf.functionName === "(root)") return;
      const mapper = mappers.find(([suffix]) => cf.url.endsWith(suffix))?.[1];
      // url "" = a native function (a runtime API called from JS, or V8's own buckets).
      const native = cf.url === "";
      const file = native ? (cf.functionName.startsWith("(") ? cf.functionName : "(runtime APIs)") : mapper ? mapper(cf.lineNumber) : cf.url.replace(/^.*\//, "");
      const bucket = native && cf.functionName.startsWith("(");
      // A runtime API is named with the JS function that called it: "(anonymous) [runtime API]" alone says nothing.
      const caller = native && !bucket ? nodes.get(parentOf.get(id) ?? -1) : undefined;
      const callerName = caller ? ` ← ${caller.functionName || "(anonymous)"}${caller.url ? ` (${mappers.find(([suffix]) => caller.url.endsWith(suffix))?.[1](caller.lineNumber) ?? caller.url.replace(/^.*\//, "")})` : ""}` : "";
      const fn = bucket ? cf.functionName : native ? `${cf.functionName || "(anonymous)"} [runtime API]${callerName}` : `${cf.functionName || "(anonymous)"} (${file})`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
      byFile.set(file, (byFile.get(file) ?? 0) + ms);
      busyMs += ms;
    });
    return { isolate: x.id, byFunction, byFile, busyMs };
  });
}

/** The `n` largest entries of a map, as `name  ms  share` lines. */
export function top(map: Map<string, number>, n: number, total: number, requests: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${((ms * 1000) / requests).toFixed(0).padStart(6)} µs/req  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
