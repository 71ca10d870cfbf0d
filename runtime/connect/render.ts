// The connect page's three pages as pure functions of a view: the form (with its error
// summary), the success page, and a notice (unknown, expired, used, exhausted link …) that has
// no form. No scripts: the error summary takes focus with `autofocus`, and every hint and error
// is tied to its input with aria-describedby.
import { documentHtml, escapeHtml } from "./html";

/** One input of the form. */
export interface FieldView {
  /** `secret`: a credential field (password input, never echoed); `setting`: a config field (text). */
  kind: "secret" | "setting";
  name: string;
  label: string;
  description?: string;
  placeholder?: string;
  optional: boolean;
  /** What the end user typed, shown again after an error (settings only; a secret is never echoed). */
  value?: string;
  /** What to fix in this field. */
  error?: string;
}

export interface FormView {
  appName: string;
  vendorName: string;
  fields: readonly FieldView[];
  /** A problem with the whole submission: the vendor's refusal, or the vendor out of reach. */
  problem?: { heading: string; message: string };
  /** Tries left on this link, shown after a failed one. */
  attemptsLeft?: number;
}

/** The form's name for a field, and the input's id: `auth.token` / `auth-token`, `config.site` / `config-site`. */
export function fieldKey(kind: FieldView["kind"], name: string): { formName: string; id: string } {
  const prefix = kind === "secret" ? "auth" : "config";
  return { formName: `${prefix}.${name}`, id: `${prefix}-${name}` };
}

export function renderForm(view: FormView): string {
  const vendor = escapeHtml(view.vendorName);
  const app = escapeHtml(view.appName);
  const inputs = view.fields.map(renderField).join("");
  const body =
    `<h1>Connect ${vendor} to ${app}</h1>` +
    `<p class="app">${app} asks for access to your ${vendor} account. Enter the details below; they are checked with ${vendor}, then stored encrypted.</p>` +
    renderSummary(view) +
    `<form method="post" novalidate>${inputs}<button type="submit">Connect ${vendor}</button></form>` +
    `<p class="fine">This link works once and expires after a few minutes.</p>`;
  return documentHtml(`Connect ${view.vendorName} to ${view.appName}`, body);
}

function renderSummary(view: FormView): string {
  const invalid = view.fields.filter((f) => f.error !== undefined);
  if (invalid.length === 0 && view.problem === undefined) return "";
  const heading = view.problem?.heading ?? (invalid.length === 1 ? "One field needs fixing" : `${invalid.length} fields need fixing`);
  const items = invalid.map((f) => `<li><a href="#${escapeHtml(fieldKey(f.kind, f.name).id)}">${escapeHtml(f.label)}: ${escapeHtml(f.error ?? "")}</a></li>`);
  const list = items.length > 0 ? `<ul>${items.join("")}</ul>` : "";
  const problem = view.problem ? `<p>${escapeHtml(view.problem.message)}</p>` : "";
  const left = view.attemptsLeft === undefined ? "" : `<p>${view.attemptsLeft === 1 ? "1 try is" : `${view.attemptsLeft} tries are`} left on this link.</p>`;
  return (
    `<div class="summary" id="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-heading">` +
    `<h2 id="summary-heading">${escapeHtml(heading)}</h2>${problem}${list}${left}</div>`
  );
}

function renderField(field: FieldView): string {
  const { formName, id } = fieldKey(field.kind, field.name);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [field.description ? hintId : "", field.error !== undefined ? errorId : ""].filter(Boolean).join(" ");
  const attrs = [
    `id="${escapeHtml(id)}"`,
    `name="${escapeHtml(formName)}"`,
    `type="${field.kind === "secret" ? "password" : "text"}"`,
    `autocomplete="off"`,
    `spellcheck="false"`,
    `autocapitalize="off"`,
    field.optional ? "" : `required aria-required="true"`,
    field.placeholder ? `placeholder="${escapeHtml(field.placeholder)}"` : "",
    described ? `aria-describedby="${escapeHtml(described)}"` : "",
    field.error !== undefined ? `aria-invalid="true"` : "",
    field.kind === "setting" && field.value ? `value="${escapeHtml(field.value)}"` : "",
  ].filter(Boolean);
  const optional = field.optional ? " (optional)" : "";
  return (
    `<div class="field"><label for="${escapeHtml(id)}">${escapeHtml(field.label)}${optional}</label>` +
    (field.description ? `<span class="hint" id="${escapeHtml(hintId)}">${escapeHtml(field.description)}</span>` : "") +
    (field.error !== undefined ? `<span class="error" id="${escapeHtml(errorId)}">${escapeHtml(field.error)}</span>` : "") +
    `<input ${attrs.join(" ")}></div>`
  );
}

export function renderSuccess(view: { appName: string; vendorName: string }): string {
  const vendor = escapeHtml(view.vendorName);
  const app = escapeHtml(view.appName);
  const body =
    `<h1>${vendor} is connected to ${app}</h1>` +
    `<p class="ok" role="status">${vendor} accepted the details. You can close this window and go back to ${app}.</p>`;
  return documentHtml(`${view.vendorName} connected to ${view.appName}`, body);
}

/** A page with no form: why the link cannot be used, and what to do instead. */
export function renderNotice(view: { title: string; message: string }): string {
  const body = `<h1>${escapeHtml(view.title)}</h1><p>${escapeHtml(view.message)}</p>`;
  return documentHtml(view.title, body);
}
