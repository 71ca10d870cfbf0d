// Ajv errors from a tool's input validator, turned into one message a model can act on:
// which argument, what was expected, and that it should call again. Every problem is
// listed (up to a few), so the model can fix them all in one retry.
import type { ToolError } from "./types";

import type { ValidationError, Validator } from "../../generated/connectors/connector-runtime";

/** The shape of an Ajv (standalone) error, as the generated connector modules declare it. */
export type InputValidationError = ValidationError;

/** An Ajv standalone validator (or anything with its calling shape, like the webhook tools' checker). */
export type InputValidator = Validator;

const MAX_LISTED = 5;

/** null when the input is valid, else an `invalid_input` error naming each field. */
export function checkInput(validate: InputValidator, input: unknown): ToolError | null {
  if (validate(input)) return null;
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
  const lines = errors.slice(0, MAX_LISTED).map(describe);
  if (errors.length > MAX_LISTED) lines.push(`and ${errors.length - MAX_LISTED} more`);
  const list = lines.length > 0 ? lines.join("; ") : "the arguments do not match the tool's input schema";
  return {
    ok: false,
    kind: "invalid_input",
    status: 400,
    message: `Invalid arguments: ${list}. Fix the arguments and call the tool again.`,
    retryable: false,
  };
}

export function describe(e: InputValidationError): string {
  const at = fieldName(e.instancePath);
  const p = e.params;
  switch (e.keyword) {
    case "required":
      return `${join(at, String(p.missingProperty))} is required`;
    case "additionalProperties":
      return `${join(at, String(p.additionalProperty))} is not a known argument`;
    case "type":
      return `${at ?? "the arguments"} must be ${article(String(p.type))}`;
    case "enum":
      return `${at ?? "the arguments"} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${at ?? "the arguments"} must be ${String(p.comparison)} ${String(p.limit)}`;
    default:
      return `${at ?? "the arguments"} ${e.message ?? `fails ${e.keyword}`}`;
  }
}

/** "/labels/0" → "labels[0]"; "" → null (the arguments object itself). */
function fieldName(instancePath: string): string | null {
  if (instancePath === "") return null;
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
}

function join(parent: string | null, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

function article(t: string): string {
  return t.split(",").map((x) => (x === "null" ? "null" : `a${/^[aeiou]/.test(x) ? "n" : ""} ${x}`)).join(" or ");
}
