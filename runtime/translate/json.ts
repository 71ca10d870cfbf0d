// Reading untrusted JSON without `any`: narrow with guards, fail with a path the caller can fix.
import { TranslateError } from "./errors";

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === "object") return "an object";
  return String(value);
}

/** Throws a TranslateError naming `path` when `value` is not what `expected` says. */
export function invalid(path: string, expected: string, value: unknown): TranslateError {
  return new TranslateError(`${path} must be ${expected}, got ${describe(value)}`, path);
}

export function needRecord(value: unknown, path: string): JsonObject {
  if (!isRecord(value)) throw invalid(path, "an object", value);
  return value;
}

export function needArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, "an array", value);
  return value;
}

export function needString(value: unknown, path: string): string {
  if (typeof value !== "string") throw invalid(path, "a string", value);
  return value;
}

export function optString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return needString(value, path);
}

export function optNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(path, "a number", value);
  return value;
}

export function optPositiveInt(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw invalid(path, "a positive integer", value);
  }
  return value;
}

export function optBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(path, "a boolean", value);
  return value;
}
