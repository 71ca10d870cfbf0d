// Anthropic thinking budget (tokens) ⇄ OpenAI reasoning_effort (named level).
// The table is ours (no provider publishes an equivalence); it round-trips low/medium/high.
import type { IrEffort } from "./ir";

export const EFFORT_BUDGET: Readonly<Record<IrEffort, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32000,
};

/** Anthropic's smallest accepted thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/** Only the three levels every reasoning model accepts are produced. */
export function effortForBudget(budgetTokens: number): "low" | "medium" | "high" {
  if (budgetTokens <= EFFORT_BUDGET.low) return "low";
  if (budgetTokens <= EFFORT_BUDGET.medium) return "medium";
  return "high";
}

const EFFORTS: ReadonlySet<string> = new Set(Object.keys(EFFORT_BUDGET));

export function isEffort(value: string): value is IrEffort {
  return EFFORTS.has(value);
}
