// Input validation and formatting for micro-dollar amounts. Floats never enter the
// ledger: a fractional or negative amount is a caller bug, rejected before any write.

/** Thrown for malformed arguments (a caller bug), always before anything is written. */
export class LedgerInputError extends Error {
  override readonly name = "LedgerInputError";
}

const MAX_ID_LENGTH = 256;
const MAX_NOTE_LENGTH = 1_000;

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return typeof value;
}

/** A safe, non-negative integer number of micro-dollars. */
export function assertMicros(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new LedgerInputError(
      `${name} must be a non-negative whole number of micro-dollars (1 USD = 1000000), got ${describe(value)}`,
    );
  }
  return value;
}

export function assertPositiveMicros(name: string, value: unknown): number {
  const micros = assertMicros(name, value);
  if (micros === 0) throw new LedgerInputError(`${name} must be greater than 0 micro-dollars, got 0`);
  return micros;
}

/** Epoch milliseconds or a duration: a safe non-negative integer. */
export function assertMillis(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new LedgerInputError(`${name} must be a non-negative whole number of milliseconds, got ${describe(value)}`);
  }
  return value;
}

export function assertId(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new LedgerInputError(`${name} must be a non-empty string of at most ${MAX_ID_LENGTH} characters, got ${describe(value)}`);
  }
  return value;
}

export function assertNote(name: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length > MAX_NOTE_LENGTH) {
    throw new LedgerInputError(`${name} must be a string of at most ${MAX_NOTE_LENGTH} characters, got ${describe(value)}`);
  }
  return value;
}

/** Guards running totals against leaving the range where JS numbers are exact. */
export function safeSum(name: string, a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new LedgerInputError(`${name} would exceed ${Number.MAX_SAFE_INTEGER} micro-dollars; split the amount`);
  }
  return sum;
}

/** 1234500 → "$1.2345", 50 → "$0.00005": exact, for error messages people read. */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / 1_000_000);
  let frac = String(abs % 1_000_000).padStart(6, "0");
  while (frac.length > 2 && frac.endsWith("0")) frac = frac.slice(0, -1);
  return `${sign}$${whole}.${frac}`;
}
