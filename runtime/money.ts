/** Money is integer micro-dollars everywhere; USD floats exist only at the API edge. */
export function usdToMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}

export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}
