import type { ErrorObject, ValidateFunction } from "ajv";
import type { Diagnostic } from "../diagnostics";
import { jsonPathOf } from "../diagnostics";
import type { YamlSource } from "../load/yaml-source";

/** Runs an ajv validator over a YAML file and turns its errors into positioned diagnostics. */
export function checkAgainstSchema(src: YamlSource, validate: ValidateFunction, what: string): Diagnostic[] {
  if (validate(src.value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const err of relevant(validate.errors ?? [])) {
    const at = pointerToSegments(err.instancePath);
    const { message, hint, extra } = explain(err, what);
    const full = extra === undefined ? at : [...at, extra];
    const key = `${jsonPathOf(full)}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { line, column } = src.position(full);
    out.push({ file: src.file, line, column, jsonPath: jsonPathOf(full), message, hint });
  }
  return out;
}

/** Drops the "must match a schema in anyOf" noise when a more specific error exists. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf" && e.keyword !== "if");
  return specific.length > 0 ? specific : errors;
}

export function pointerToSegments(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function explain(err: ErrorObject, what: string): { message: string; hint: string; extra?: string } {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "required":
      return {
        message: `missing required property "${String(p.missingProperty)}"`,
        hint: `add "${String(p.missingProperty)}" (see the ${what} schema)`,
      };
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = String(p.additionalProperty ?? p.unevaluatedProperty);
      return { message: `unknown property "${name}"`, hint: `remove "${name}" or fix its spelling`, extra: name };
    }
    case "not":
      // Sealed models emit `unevaluatedProperties: {not: {}}`: an unknown key fails `not` at the key itself.
      if (/\/(unevaluated|additional)Properties\/not$/.test(err.schemaPath)) {
        const name = String(pointerToSegments(err.instancePath).at(-1));
        return { message: `unknown property "${name}"`, hint: `remove "${name}" or fix its spelling` };
      }
      return { message: err.message ?? "fails not", hint: `see the ${what} schema` };
    case "enum":
      return {
        message: `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
        hint: "pick one of the allowed values",
      };
    case "type":
      return { message: `must be ${String(p.type)}`, hint: `give a value of type ${String(p.type)}` };
    case "pattern":
      return { message: `must match ${String(p.pattern)}`, hint: "change the value to match the pattern" };
    default:
      return { message: err.message ?? `fails ${err.keyword}`, hint: `see the ${what} schema` };
  }
}
