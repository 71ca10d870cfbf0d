// Codex CLI, run for real: `codex exec` with its own CODEX_HOME holding a config.toml whose
// model provider is Gatehouse (base_url, env_key, wire_api "chat" or "responses"), update
// checks and analytics off, sandbox read-only.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FILE_CONTENT, FILE_NAME, MARKER, runClient, verdict, type ClientRun, type RunContext } from "./client-run";
import { ensureClient, type ClientPackage } from "./install";

export const codexPackage = (version: string): ClientPackage => ({ name: "codex", pkg: "@openai/codex", version, bin: "codex" });

/** Codex's shell tool has had three names and argument shapes across releases. */
export const codexToolPlan = () => ({
  names: ["shell", "shell_command", "exec_command"],
  args: (name: string): Record<string, unknown> =>
    name === "shell" ? { command: ["cat", FILE_NAME] } : name === "shell_command" ? { command: `cat ${FILE_NAME}` } : { cmd: `cat ${FILE_NAME}` },
  marker: MARKER,
});

/**
 * Features that call out to OpenAI, ChatGPT or GitHub whatever the provider, per release
 * (found by running behind the network guard): 0.94 refreshes its model list from
 * api.openai.com; current releases sync curated plugins (chatgpt.com, github.com) and apps.
 */
export function networkFeatures(version: string): string[] {
  return version === "0.94.0" ? ["remote_models"] : ["plugins", "remote_plugin", "apps", "in_app_updates"];
}

export function configToml(baseUrl: string, model: string, wireApi: "chat" | "responses", offFeatures: string[]): string {
  return [
    `model = ${JSON.stringify(model)}`,
    `model_provider = "gatehouse"`,
    `check_for_update_on_startup = false`,
    `approval_policy = "never"`,
    `sandbox_mode = "read-only"`,
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
    `[feedback]`,
    `enabled = false`,
    ``,
    `[features]`,
    ...offFeatures.map((f) => `${f} = false`),
    ``,
    `[model_providers.gatehouse]`,
    `name = "Gatehouse"`,
    `base_url = ${JSON.stringify(baseUrl)}`,
    `env_key = "GATEHOUSE_API_KEY"`,
    `wire_api = ${JSON.stringify(wireApi)}`,
    ``,
  ].join("\n");
}

export function codexRun(version: string, model: string, wireApi: "chat" | "responses", finalText: string, log: (l: string) => void): ClientRun {
  return {
    client: "Codex",
    version,
    model,
    surface: wireApi,
    async run(ctx: RunContext) {
      const bin = await ensureClient(codexPackage(version), log);
      const home = join(ctx.scratch, "codex-home");
      const work = join(ctx.scratch, "work");
      mkdirSync(home, { recursive: true });
      mkdirSync(work, { recursive: true });
      writeFileSync(join(work, FILE_NAME), FILE_CONTENT + "\n");
      writeFileSync(join(home, "config.toml"), configToml(`${ctx.gatehouseUrl}/v1`, model, wireApi, networkFeatures(version)));
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: ctx.scratch,
        TMPDIR: ctx.scratch,
        CODEX_HOME: home,
        GATEHOUSE_API_KEY: ctx.apiKey,
        ...ctx.guardEnv,
        NO_COLOR: "1",
        RUST_LOG: "error",
      };
      const prompt = `${MARKER}: show me what ${FILE_NAME} says.`;
      const exit = await runClient(bin, ["exec", "--skip-git-repo-check", "-C", work, prompt], { cwd: work, env, timeoutMs: 180_000 });
      return verdict(exit, ctx.up.calls, finalText);
    },
  };
}
