// A benchmark's clock: one progress line per step with the time since it began, and the
// time budget it stops at (every benchmark is bounded).

export interface BenchClock {
  /** Milliseconds since the benchmark began. */
  elapsed(): number;
  /** `<name> ▸ <step> <detail> (<seconds> s)`. */
  progress(step: string, detail: string): void;
  /** Throws once the benchmark is over its budget. */
  checkDeadline(): void;
}

export function benchClock(name: string, deadlineMs: number, stepWidth = 9): BenchClock {
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  return {
    elapsed,
    progress: (step, detail) => console.log(`${name} ▸ ${step.padEnd(stepWidth)} ${detail} (${(elapsed() / 1000).toFixed(1)} s)`),
    checkDeadline: () => {
      if (elapsed() > deadlineMs) throw new Error(`over the ${deadlineMs / 1000} s budget; stopping`);
    },
  };
}
