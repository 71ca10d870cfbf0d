// Every string that leaves the executor (errors, results, log lines) passes through here, so
// a vendor echoing a key back ("invalid token ghp_…") or a URL carrying one never leaks it.
import { base64, pathSegment } from "./inject";
import type { Credential } from "./types";

export const REDACTED = "[redacted]";

/** The secrets of one call, in every form they are sent in; `add` takes tokens fetched later. */
export class Redactor {
  private forms: string[] = [];

  constructor(cred: Credential) {
    const values = Object.values(cred);
    for (const v of values) this.add(v);
    // Basic auth sends base64(user:pass); a vendor may echo that back too.
    for (const a of values) for (const b of values) this.addForm(base64(`${a}:${b}`));
  }

  add(secret: string): void {
    this.addForm(secret);
    this.addForm(encodeURIComponent(secret));
    this.addForm(pathSegment(secret));
    this.addForm(new URLSearchParams({ v: secret }).toString().slice(2));
  }

  apply(text: string): string {
    let out = text;
    for (const f of this.forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  }

  private addForm(form: string): void {
    // Very short values (a 1-character field) would shred ordinary text; real secrets are longer.
    if (form.length < 4 || this.forms.includes(form)) return;
    this.forms.push(form);
    // Longest first, so a value containing another is replaced whole.
    this.forms.sort((a, b) => b.length - a.length);
  }
}
