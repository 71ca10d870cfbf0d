// Validate, then build, then execute: the order every tool call takes. Invalid arguments
// return an `invalid_input` error for the model to fix, and nothing is sent.
import { executeTool, type ExecuteOptions } from "./execute";
import { checkInput, type InputValidator } from "./input-errors";
import type { BuiltRequest, ToolOutcome } from "./types";

export interface ToolCall<I> {
  validate: InputValidator;
  /** The request builder (a compiled tool's build, or hand-written); only called with valid input. */
  build: (input: I) => BuiltRequest;
}

export async function runTool<I>(tool: ToolCall<I>, input: unknown, opts: ExecuteOptions): Promise<ToolOutcome> {
  const invalid = checkInput(tool.validate, input);
  if (invalid) return invalid;
  return executeTool(tool.build(input as I), opts);
}
