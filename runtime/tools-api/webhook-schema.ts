// What a webhook tool's definition must be, and its arguments checked against it. Ajv cannot
// run here (it compiles schemas with new Function, which Workers forbid), so the schema is
// checked for structure and the arguments for what a model most often gets wrong: a missing
// required argument, an unknown one, a top-level argument of the wrong type or outside its enum.
// The receiver validates the rest. Errors come out in Ajv's shape, so the model's message is
// the same as for a connector tool (runtime/tools/input-errors.ts).
import { badRequest } from "../errors";
import type { InputValidationError, InputValidator } from "../tools/input-errors";

const MAX_SCHEMA_CHARS = 64 * 1024;
const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);

/** Refuses an input_schema that is not an object schema a model could fill in. */
export function checkInputSchema(schema: Record<string, unknown>, param = "body.input_schema"): void {
  if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS) throw badRequest(`input_schema is larger than ${MAX_SCHEMA_CHARS} characters of JSON; describe fewer arguments`, param);
  if (schema.type !== "object") throw badRequest(`input_schema must be an object schema: set "type": "object" (got ${JSON.stringify(schema.type ?? null)})`, `${param}.type`);
  const props = schema.properties;
  if (props !== undefined) {
    if (!isPlainObject(props)) throw badRequest("input_schema.properties must be an object mapping each argument to its schema", `${param}.properties`);
    for (const [name, sub] of Object.entries(props)) checkPropertySchema(name, sub, `${param}.properties.${name}`);
  }
  const required = schema.required;
  if (required !== undefined && (!Array.isArray(required) || !required.every((r) => typeof r === "string"))) {
    throw badRequest("input_schema.required must be an array of argument names", `${param}.required`);
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && typeof extra !== "boolean" && !isPlainObject(extra)) {
    throw badRequest("input_schema.additionalProperties must be a boolean or a schema", `${param}.additionalProperties`);
  }
}

function checkPropertySchema(name: string, sub: unknown, param: string): void {
  if (typeof sub === "boolean") return;
  if (!isPlainObject(sub)) throw badRequest(`input_schema.properties.${name} must be a schema (an object)`, param);
  const types = sub.type === undefined ? [] : Array.isArray(sub.type) ? sub.type : [sub.type];
  for (const t of types) {
    if (typeof t !== "string" || !JSON_TYPES.has(t)) throw badRequest(`input_schema.properties.${name}.type ${JSON.stringify(t)} is not a JSON Schema type (${[...JSON_TYPES].join(", ")})`, `${param}.type`);
  }
  if (sub.enum !== undefined && !Array.isArray(sub.enum)) throw badRequest(`input_schema.properties.${name}.enum must be an array`, `${param}.enum`);
}

/** An InputValidator (Ajv's calling shape) over a checked object schema. */
export function webhookArgsValidator(schema: Record<string, unknown>): InputValidator {
  const validate: InputValidator = (data: unknown) => {
    validate.errors = argsErrors(schema, data);
    return validate.errors.length === 0;
  };
  return validate;
}

function argsErrors(schema: Record<string, unknown>, data: unknown): InputValidationError[] {
  if (!isPlainObject(data)) return [{ instancePath: "", keyword: "type", params: { type: "object" } }];
  const props = isPlainObject(schema.properties) ? schema.properties : {};
  const errors: InputValidationError[] = [];
  for (const name of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
    if (!(name in data)) errors.push({ instancePath: "", keyword: "required", params: { missingProperty: name } });
  }
  for (const [name, value] of Object.entries(data)) {
    const sub = Object.hasOwn(props, name) ? props[name] : undefined;
    if (sub === undefined) {
      if (schema.additionalProperties === false) errors.push({ instancePath: "", keyword: "additionalProperties", params: { additionalProperty: name } });
      continue;
    }
    if (!isPlainObject(sub)) continue;
    const at = `/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    const types = sub.type === undefined ? [] : ((Array.isArray(sub.type) ? sub.type : [sub.type]) as string[]);
    if (types.length > 0 && !types.some((t) => hasType(value, t))) errors.push({ instancePath: at, keyword: "type", params: { type: types.join(",") } });
    else if (Array.isArray(sub.enum) && !sub.enum.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
      errors.push({ instancePath: at, keyword: "enum", params: { allowedValues: sub.enum } });
    }
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
