// The debugging CLI, run as a user would (node + tsx), on the project's own fixtures.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FIXTURES = `${ROOT}fixtures/translate/`;

function cli(args: string[], input: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/translate-cli.ts", ...args], { cwd: ROOT, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("translate CLI", () => {
  it("translates a recorded stream exactly like the library", () => {
    const input = readFileSync(`${FIXTURES}openai-to-anthropic/parallel-tool-calls.input.sse`, "utf8");
    const r = cli(["--from", "openai", "--to", "anthropic", "--id", "golden-id", "--created", "1700000000"], input);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(`${FIXTURES}openai-to-anthropic/parallel-tool-calls.golden.sse`, "utf8"));
    expect(r.stderr).toContain("stop tool_use");
  });

  it("detects JSON bodies, and translates requests with --request", () => {
    const body = readFileSync(`${FIXTURES}responses/anthropic-to-openai/thinking-text-tool.input.json`, "utf8");
    const r = cli(["--from", "anthropic", "--to", "openai", "--created", "1"], body);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ object: "chat.completion", choices: [{ finish_reason: "tool_calls" }] });
    const req = cli(["--from", "openai", "--to", "anthropic", "--request"], '{"model":"m","messages":[{"role":"user","content":"hi"}]}');
    expect(JSON.parse(req.stdout)).toEqual({ model: "m", max_tokens: 4096, messages: [{ role: "user", content: "hi" }] });
  });

  it("exits 1 when the upstream stream failed, with the error in the output", () => {
    const input = readFileSync(`${FIXTURES}anthropic-to-openai/overloaded-before-content.input.sse`, "utf8");
    const r = cli(["--from", "anthropic", "--to", "openai"], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"code":"overloaded_error"');
    expect(r.stderr).toContain("retryable: true");
  });

  it("exits 2 with a clear message on bad arguments or input", () => {
    const cases: Array<[string[], string, string]> = [
      [["--from", "gemini", "--to", "openai"], "data: {}\n\n", '--from must be "openai" or "anthropic"'],
      [["--from", "openai"], "data: {}\n\n", "--to must be"],
      [["--from", "openai", "--to", "anthropic", "--bogus"], "", "Unknown option"],
      [["--from", "openai", "--to", "anthropic"], "", "no input on stdin"],
      [["--from", "openai", "--to", "anthropic"], "hello there", "neither a JSON body nor an SSE stream"],
      [["--from", "openai", "--to", "anthropic"], '{"choices": [', "does not parse"],
      [["--from", "openai", "--to", "anthropic", "--request"], '{"model":"m","messages":[],"n":3}', "n 3 has no Anthropic"],
    ];
    for (const [args, input, message] of cases) {
      const r = cli(args, input);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
