// What one client run is, and the checks every run shares: the client exited cleanly, the
// upstream saw the tool call's result come back (a real round trip through Gatehouse), and
// nothing tried to leave the machine.
import { spawn } from "node:child_process";
import type { RecordedCall, Upstream } from "../../test/support/upstream-server";

export interface RunContext {
  gatehouseUrl: string;
  apiKey: string;
  up: Upstream;
  /** Proxy variables pointing at the network guard. */
  guardEnv: Record<string, string>;
  /** A scratch directory for the client's home/config and working tree. */
  scratch: string;
}

export interface RunResult {
  ok: boolean;
  detail: string;
  /** The client's own output (stdout, then stderr), for the failure report. */
  output: string;
}

export interface ClientRun {
  client: string;
  version: string;
  model: string;
  /** The Gatehouse surface the client speaks: `messages`, `chat`, `responses`. */
  surface: string;
  run(ctx: RunContext): Promise<RunResult>;
}

/** The file the scripted tool call reads; its content proves the result went back upstream. */
export const FILE_NAME = "gatehouse-note.txt";
export const FILE_CONTENT = "gatehouse-tool-roundtrip-4f1c9e";
/** Put in every prompt: the upstream answers only the client's main turn with the tool call. */
export const MARKER = "GATEHOUSE-CLIENT-TEST";

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client to its end (killed after `timeoutMs`), stdin closed. */
export function runClient(bin: string, args: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<Exit> {
  return new Promise((ok) => {
    // Its own process group, so a timeout also ends what the client started.
    // The env is the whole environment on purpose (nothing inherited); the cast only drops the
    // project's ProcessEnv augmentation, which names provider keys a client must not get.
    const p = spawn(bin, args, { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv, stdio: "pipe", detached: true });
    p.stdin.end(); // Codex reads extra input from an open stdin
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[test:clients] killed after ${opts.timeoutMs} ms`;
      if (p.pid !== undefined) process.kill(-p.pid, "SIGKILL");
    }, opts.timeoutMs);
    p.once("error", (e) => {
      clearTimeout(timer);
      ok({ code: null, stdout, stderr: stderr + String(e) });
    });
    p.once("exit", (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

/** The upstream call that carried the tool's result back (Anthropic tool_result, chat `tool` message, Responses function_call_output). */
export function toolResultCall(calls: readonly RecordedCall[]): RecordedCall | undefined {
  return calls.find((c) => {
    const text = JSON.stringify(c.body);
    return text.includes(FILE_CONTENT) && /"type":"tool_result"|"role":"tool"|"type":"function_call_output"/.test(text);
  });
}

/** The shared verdict: exit 0, the round trip reached the upstream, the expected final text. */
export function verdict(exit: Exit, calls: readonly RecordedCall[], finalText: string): RunResult {
  const output = `${exit.stdout}\n${exit.stderr}`.trim();
  if (calls.length === 0) return { ok: false, detail: `exit ${exit.code}; no request reached the upstream`, output };
  if (!toolResultCall(calls)) return { ok: false, detail: `exit ${exit.code}; the tool result never reached the upstream (${calls.length} call(s))`, output };
  if (exit.code !== 0) return { ok: false, detail: `exit ${exit.code} after the tool round trip`, output };
  // JSON output (Claude Code's --output-format json) carries the text escaped.
  if (!exit.stdout.includes(finalText) && !exit.stdout.includes(JSON.stringify(finalText).slice(1, -1))) return { ok: false, detail: "the follow-up reply's text is not in the client's output", output };
  return { ok: true, detail: `tool round trip ok (${calls.length} upstream call(s))`, output };
}
