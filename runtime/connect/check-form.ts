// The posted form, checked against the connector's fields before anything is sent to the
// vendor: each value trimmed (a pasted key often carries a newline), required unless optional,
// one value per field, bounded in length, matching the manifest's pattern. Pure.
import type { ConnectorForm, FormField } from "./connector-form";
import { fieldKey } from "./render";

/** The longest value a field takes (a long JWT or PEM fits; a paste of a whole file does not). */
export const MAX_FIELD_CHARS = 8192;

export interface CheckedForm {
  /** Secret values by field name (only fields that were filled in). */
  credential: Record<string, string>;
  /** Setting values by field name (only fields that were filled in). */
  config: Record<string, string>;
  /** What to fix, by form name (`auth.token`, `config.site`); empty when the form is good. */
  errors: Record<string, string>;
}

export function checkForm(form: ConnectorForm, posted: URLSearchParams): CheckedForm {
  const out: CheckedForm = { credential: {}, config: {}, errors: {} };
  const visit = (kind: "secret" | "setting", field: FormField, into: Record<string, string>) => {
    const { formName } = fieldKey(kind, field.name);
    const values = posted.getAll(formName);
    if (values.length > 1) {
      out.errors[formName] = "was sent more than once; send it once";
      return;
    }
    const value = (values[0] ?? "").trim();
    const problem = fieldProblem(field, value);
    if (problem !== null) out.errors[formName] = problem;
    else if (value !== "") into[field.name] = value;
  };
  for (const f of form.secrets) visit("secret", f, out.credential);
  for (const f of form.settings) visit("setting", f, out.config);
  return out;
}

/** Why `value` is not acceptable for `field`, or null. */
export function fieldProblem(field: FormField, value: string): string | null {
  if (value === "") return field.optional ? null : "is required";
  if (value.length > MAX_FIELD_CHARS) return `is too long (${value.length} characters; at most ${MAX_FIELD_CHARS})`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return "holds a line break or control character; paste the value alone";
  if (field.pattern !== undefined && !matches(field.pattern, value)) {
    return field.placeholder ? `does not have the expected format (it looks like ${field.placeholder})` : `does not have the expected format (${field.pattern})`;
  }
  return null;
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    // The manifest's pattern was checked at codegen; one that still does not compile checks nothing.
    return true;
  }
}
