import { badRequest, type ApiError } from "../errors";

export interface ValidationError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Turns the first relevant ajv error into a 400 that names the field, e.g. `body.max_spend_usd`. */
export function validationError(where: "body" | "query", errors: readonly ValidationError[] | null | undefined): ApiError {
  const all = errors ?? [];
  // anyOf/oneOf wrappers say little; prefer the specific error behind them.
  const err = all.find((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf") ?? all[0];
  if (!err) return badRequest(`invalid ${where}`, where);
  const path = where + err.instancePath.replaceAll("/", ".").replaceAll("~1", "/").replaceAll("~0", "~");
  const p = err.params;
  switch (err.keyword) {
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = String(p.additionalProperty ?? p.unevaluatedProperty ?? "");
      const field = `${path}.${name}`;
      if (name) return badRequest(`unknown field ${field}`, field);
      // unevaluatedProperties does not name the property; find it from the error path.
      return badRequest(`${path} has a field that is not allowed`, path);
    }
    case "required": {
      const field = `${path}.${String(p.missingProperty)}`;
      return badRequest(`${field} is required`, field);
    }
    case "type":
      return badRequest(`${path} must be ${typeWord(String(p.type))}`, path);
    case "enum":
      return badRequest(`${path} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`, path);
    default:
      return badRequest(`${path} ${err.message ?? `fails ${err.keyword}`}`, path);
  }
}

function typeWord(t: string): string {
  return t.split(",").map((x) => (x === "null" ? "null" : `a${/^[aeiou]/.test(x) ? "n" : ""} ${x}`)).join(" or ");
}
