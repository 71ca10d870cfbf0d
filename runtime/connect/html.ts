// The connect page's HTML building blocks: escaping, the document shell and its one inline
// stylesheet. Pure; every value that came from a manifest, a tenant or an end user goes
// through escapeHtml, so no page can carry markup it did not write itself.

/** Text or an attribute value made inert: & < > " ' become entities. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * The only style on any page. Its SHA-256 is the CSP's style-src (response.ts), so nothing
 * else can style the page; colours meet WCAG AA contrast on white.
 */
export const PAGE_STYLE = [
  "*{box-sizing:border-box}",
  "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1a1a1a;background:#f4f5f7}",
  "main{max-width:32rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d0d4da;border-radius:8px}",
  "h1{font-size:1.4rem;line-height:1.3;margin:0 0 .5rem}",
  "p{margin:.5rem 0}",
  ".app{color:#4a4f57}",
  ".field{margin:1.25rem 0}",
  "label{display:block;font-weight:600}",
  ".hint{display:block;color:#4a4f57;font-size:.9rem}",
  ".error{display:block;color:#b00020;font-weight:600;font-size:.9rem}",
  "input{width:100%;margin-top:.25rem;padding:.5rem;font:inherit;border:1px solid #6b7280;border-radius:4px}",
  "input[aria-invalid=true]{border:2px solid #b00020}",
  "input:focus,button:focus,a:focus,.summary:focus{outline:3px solid #1d4ed8;outline-offset:2px}",
  "button{margin-top:.5rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:4px;cursor:pointer}",
  ".summary{border:2px solid #b00020;border-radius:4px;padding:.75rem 1rem;margin:1rem 0}",
  ".summary h2{font-size:1.05rem;margin:0 0 .25rem;color:#b00020}",
  ".summary ul{margin:0;padding-left:1.25rem}",
  ".summary a{color:#b00020}",
  ".ok{border-left:4px solid #15803d;padding-left:.75rem}",
  ".fine{color:#4a4f57;font-size:.85rem}",
].join("");

/** A whole document: language, title, the inline stylesheet and one main landmark around `body`. */
export function documentHtml(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>` +
    `<body><main>${body}</main></body></html>`
  );
}
