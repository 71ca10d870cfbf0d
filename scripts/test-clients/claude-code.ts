// Claude Code, run for real in print mode: `claude -p … --output-format json`, pointed at
// Gatehouse with ANTHROPIC_BASE_URL/ANTHROPIC_AUTH_TOKEN (only the base URL swapped, as a new
// user would), its own empty HOME, telemetry, error reporting and auto-update off.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FILE_CONTENT, FILE_NAME, MARKER, runClient, verdict, type ClientRun, type RunContext } from "./client-run";
import { ensureClient, type ClientPackage } from "./install";

export const CLAUDE_CODE: ClientPackage = { name: "claude-code", pkg: "@anthropic-ai/claude-code", version: "2.1.197", bin: "claude" };

/** The tool Claude Code is asked to call (Read needs no permission prompt in print mode). */
export const claudeToolPlan = (dir: string) => ({ names: ["Read"], args: () => ({ file_path: join(dir, FILE_NAME) }), marker: MARKER });

export function claudeCodeRun(model: string, surface: string, finalText: string, log: (l: string) => void): ClientRun {
  return {
    client: "Claude Code",
    version: CLAUDE_CODE.version,
    model,
    surface,
    async run(ctx: RunContext) {
      const bin = await ensureClient(CLAUDE_CODE, log);
      const home = join(ctx.scratch, "home");
      const work = join(ctx.scratch, "work");
      mkdirSync(home, { recursive: true });
      mkdirSync(work, { recursive: true });
      writeFileSync(join(work, FILE_NAME), FILE_CONTENT + "\n");
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        TMPDIR: ctx.scratch,
        ...ctx.guardEnv,
        ANTHROPIC_BASE_URL: ctx.gatehouseUrl,
        ANTHROPIC_AUTH_TOKEN: ctx.apiKey,
        // Background requests (titles, summaries) go to the same model, not a hosted default.
        ANTHROPIC_SMALL_FAST_MODEL: model,
        ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_TELEMETRY: "1",
        DISABLE_ERROR_REPORTING: "1",
        DISABLE_AUTOUPDATER: "1",
        CLAUDE_CODE_ENABLE_TELEMETRY: "0",
        NO_COLOR: "1",
      };
      const prompt = `${MARKER}: read ${FILE_NAME} in the current directory and tell me what it says.`;
      const exit = await runClient(bin, ["-p", prompt, "--output-format", "json", "--model", model, "--allowedTools", "Read"], { cwd: work, env, timeoutMs: 180_000 });
      return verdict(exit, ctx.up.calls, finalText);
    },
  };
}
