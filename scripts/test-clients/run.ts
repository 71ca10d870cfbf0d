// `npm run test:clients`: the real clients (Claude Code, Codex on both wire APIs), installed on
// demand into .clients/, each run for real against a local Gatehouse (workerd via Miniflare)
// whose providers all point at a local upstream replaying recorded streams (replay.ts): a tool
// call, then the follow-up. Prints a table and exits non-zero on any failure. Not part of
// `npm test` (the binaries are hundreds of MB). Nothing leaves 127.0.0.1: the clients' proxy
// variables point at a guard that refuses and records every other call.
//
//   npm run test:clients [-- --only=<substring of client/model/surface>] [-- --no-capture]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerBindings, streamText } from "../../test/support/gateway-harness";
import { ROOT, startLocalWorker } from "../../test/support/local-worker";
import { loadRecording, recordingsAvailable } from "../../test/support/recordings";
import { startUpstream } from "../../test/support/upstream-server";
import { claudeCodeRun, claudeToolPlan } from "./claude-code";
import { startClientRecorder, type ClientRequest } from "./client-recorder";
import type { ClientRun, RunResult } from "./client-run";
import { codexRun, codexToolPlan } from "./codex";
import { startNetworkGuard } from "./network-guard";
import { clientReplay, type ToolPlan } from "./replay";
import { withoutProse } from "./without-prose";

const log = (line: string) => process.stderr.write(`test:clients ▸ ${line}\n`);
const CODEX_CHAT = "0.94.0"; // the last Codex release with wire_api "chat"
const CODEX_CURRENT = "0.171.0"; // Responses API only

interface Row {
  run: ClientRun;
  result: RunResult;
  network: string[];
  requests: ClientRequest[];
}

function plans(run: ClientRun, work: string): ToolPlan {
  return run.client === "Claude Code" ? claudeToolPlan(work) : codexToolPlan();
}

/** Gatehouse answers 404 with its own error for a route it does not have. */
async function surfaceMissing(url: string, key: string, surface: string): Promise<boolean> {
  if (surface !== "responses") return false;
  const res = await fetch(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: "{}" });
  return res.status === 404 || res.status === 405;
}

function capture(row: Row): void {
  const slug = `${row.run.client.toLowerCase().replace(/\s+/g, "-")}-${row.run.version}-${row.run.surface}-${row.run.model.replace(/\//g, "_")}`;
  const dir = join(ROOT, "fixtures/clients/captured");
  mkdirSync(dir, { recursive: true });
  const body = {
    client: row.run.client,
    version: row.run.version,
    model: row.run.model,
    surface: row.run.surface,
    how: "npm run test:clients: what the client sent to Gatehouse (scripts/test-clients/client-recorder.ts), credentials redacted, the client's own prose replaced by its length (without-prose.ts)",
    requests: withoutProse(row.requests),
  };
  writeFileSync(join(dir, `${slug}.json`), JSON.stringify(body, null, 2) + "\n");
}

async function main(): Promise<number> {
  if (!recordingsAvailable()) throw new Error("the shared recordings (../shared/fixtures/upstream/) are missing: the upstream replays them");
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
  const noCapture = process.argv.includes("--no-capture");
  const scratchRoot = mkdtempSync(join(tmpdir(), "gatehouse-clients-"));
  process.env.TMPDIR = scratchRoot; // Miniflare's local storage, removed with the rest
  const anthropicText = streamText(loadRecording("anthropic/text-stream.sse"));
  const openaiText = streamText(loadRecording("openai/text-stream.sse"));

  const runs: ClientRun[] = [
    claudeCodeRun("anthropic/claude-sonnet-4-5", "messages", anthropicText, log),
    claudeCodeRun("openai/gpt-4o-mini", "messages", openaiText, log),
    codexRun(CODEX_CHAT, "openai/gpt-4o-mini", "chat", openaiText, log),
    codexRun(CODEX_CHAT, "anthropic/claude-sonnet-4-5", "chat", anthropicText, log),
    codexRun(CODEX_CURRENT, "openai/gpt-4o-mini", "responses", openaiText, log),
    codexRun(CODEX_CURRENT, "anthropic/claude-sonnet-4-5", "responses", anthropicText, log),
  ].filter((r) => !only || `${r.client} ${r.version} ${r.model} ${r.surface}`.toLowerCase().includes(only.toLowerCase()));

  const guard = await startNetworkGuard();
  const up = await startUpstream();
  const worker = await startLocalWorker({ bindings: providerBindings(up.url) });
  const rows: Row[] = [];
  try {
    for (const run of runs) {
      up.reset();
      const scratch = mkdtempSync(join(scratchRoot, "run-"));
      const recorder = await startClientRecorder(worker.url);
      const before = guard.attempts.length;
      log(`${run.client} ${run.version} → ${run.model} (${run.surface})`);
      let result: RunResult;
      try {
        if (await surfaceMissing(worker.url, worker.masterKey, run.surface)) {
          result = { ok: false, detail: "surface missing: POST /v1/responses is not served", output: "" };
        } else {
          up.setDefault(clientReplay(plans(run, join(scratch, "work"))));
          result = await run.run({ gatehouseUrl: recorder.url, apiKey: worker.masterKey, up, guardEnv: guard.env(), scratch });
        }
      } catch (e) {
        result = { ok: false, detail: `runner error: ${e instanceof Error ? e.message : String(e)}`, output: "" };
      } finally {
        await recorder.close();
      }
      const network = guard.attempts.slice(before);
      const refused = recorder.requests.filter((r) => (r.status ?? 0) >= 400);
      if (refused.length > 0) result = { ...result, detail: `${result.detail}; Gatehouse answered ${refused.map((r) => `${r.status} to ${r.method} ${r.path}`).join(", ")}` };
      if (network.length > 0) result = { ...result, ok: false, detail: `${result.detail}; tried the internet: ${network.join(", ")}` };
      const row = { run, result, network, requests: recorder.requests };
      rows.push(row);
      if (!noCapture && recorder.requests.length > 0) capture(row);
      if (!result.ok) log(`  ✗ ${result.detail}\n${result.output.slice(-3000)}`);
    }
  } finally {
    await worker.dispose();
    await up.close();
    await guard.close();
    rmSync(scratchRoot, { recursive: true, force: true });
  }
  printTable(rows);
  return rows.every((r) => r.result.ok) && rows.length > 0 ? 0 : 1;
}

function printTable(rows: Row[]): void {
  const header = ["client", "version", "model", "surface", "result"];
  const lines = rows.map((r) => [r.run.client, r.run.version, r.run.model, r.run.surface, `${r.result.ok ? "pass" : "FAIL"}: ${r.result.detail}`]);
  const out = [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
  process.stdout.write(`\n${out}\n`);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`test:clients failed to run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
