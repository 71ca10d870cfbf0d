// The form's view from the connector's fields: empty on first show; after a failed submission,
// settings keep what was typed and carry their errors, secrets come back empty (never echoed).
import type { ConnectorForm, FormField } from "./connector-form";
import { fieldKey, type FieldView, type FormView } from "./render";

export interface Redisplay {
  posted?: URLSearchParams;
  errors?: Readonly<Record<string, string>>;
  problem?: FormView["problem"];
  attemptsLeft?: number;
}

export function formView(appName: string, form: ConnectorForm, again: Redisplay = {}): FormView {
  const view = (kind: FieldView["kind"], f: FormField): FieldView => {
    const { formName } = fieldKey(kind, f.name);
    const error = again.errors?.[formName];
    const typed = kind === "setting" ? again.posted?.get(formName)?.trim() : undefined;
    return {
      kind,
      name: f.name,
      label: f.label,
      optional: f.optional,
      ...(f.description !== undefined ? { description: f.description } : {}),
      ...(f.placeholder !== undefined ? { placeholder: f.placeholder } : {}),
      ...(typed ? { value: typed } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  };
  return {
    appName,
    vendorName: form.vendorName,
    fields: [...form.secrets.map((f) => view("secret", f)), ...form.settings.map((f) => view("setting", f))],
    ...(again.problem ? { problem: again.problem } : {}),
    ...(again.attemptsLeft !== undefined ? { attemptsLeft: again.attemptsLeft } : {}),
  };
}
