// The dashboard's document shell: one inline stylesheet (allowed by its hash in the CSP, as on
// the connect page), a banner with the navigation and the sign-out form, and one main
// landmark. No scripts at all. Every value that came from the API goes through escapeHtml.
import { escapeHtml } from "../connect/html";

/** The only style on any dashboard page; its SHA-256 is the CSP's style-src (response.ts). Colours meet WCAG AA on white. */
export const DASHBOARD_STYLE = [
  "*{box-sizing:border-box}",
  "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1a1a1a;background:#f4f5f7}",
  ".top{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.5rem 1.5rem;background:#1e293b;color:#fff}",
  ".brand{font-weight:700;color:#fff;text-decoration:none;margin-right:1rem}",
  ".top ul{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}",
  ".top nav a{display:inline-block;padding:.35rem .7rem;border-radius:4px;color:#fff;text-decoration:none}",
  ".top nav a[aria-current=page]{background:#fff;color:#1e293b;font-weight:600}",
  ".top form{margin-left:auto}",
  ".top button{margin:0;background:#fff;color:#1e293b}",
  "main{max-width:72rem;margin:1.5rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d0d4da;border-radius:8px}",
  "main.narrow{max-width:30rem}",
  "h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem}",
  "h2{font-size:1.15rem;margin:1.75rem 0 .5rem}",
  "p{margin:.5rem 0}",
  ".muted{color:#4a4f57}",
  ".cards{display:flex;flex-wrap:wrap;gap:1rem;margin:0;padding:0;list-style:none}",
  ".cards li{flex:1 1 10rem;border:1px solid #d0d4da;border-radius:6px;padding:.75rem 1rem}",
  ".cards .label{display:block;color:#4a4f57;font-size:.85rem}",
  ".cards .value{display:block;font-size:1.35rem;font-weight:700}",
  "table{border-collapse:collapse;width:100%;margin:.5rem 0}",
  "caption{text-align:left;font-weight:600;padding:.25rem 0}",
  "th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e2e5ea;vertical-align:top}",
  "th{font-size:.85rem;color:#374151;background:#f8fafc}",
  "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}",
  "code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}",
  "label{display:block;font-weight:600;margin-top:.75rem}",
  ".hint{display:block;font-weight:400;color:#4a4f57;font-size:.85rem}",
  "input,select{display:block;width:100%;max-width:28rem;margin-top:.25rem;padding:.45rem;font:inherit;border:1px solid #6b7280;border-radius:4px;background:#fff}",
  "button{margin-top:.75rem;padding:.5rem 1rem;font:inherit;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:4px;cursor:pointer}",
  "button.danger{margin:0;padding:.3rem .7rem;background:#b91c1c}",
  "td form{margin:0}",
  "a{color:#1d4ed8}",
  "input:focus,select:focus,button:focus,a:focus,.alert:focus{outline:3px solid #1d4ed8;outline-offset:2px}",
  ".top a:focus,.top button:focus{outline-color:#fbbf24}",
  ".alert{border:2px solid #b00020;border-radius:4px;padding:.75rem 1rem;margin:1rem 0}",
  ".alert h2{margin:0 0 .25rem;color:#b00020;font-size:1.05rem}",
  ".ok{border-left:4px solid #15803d;padding:.5rem .75rem;background:#f0fdf4;margin:1rem 0}",
  ".secret{display:block;padding:.5rem;background:#fefce8;border:1px solid #a16207;border-radius:4px;margin:.25rem 0}",
  ".chart{display:block;width:100%;max-width:720px;height:auto}",
  ".chart .bar{fill:#1d4ed8}",
  ".chart .axis{stroke:#6b7280;stroke-width:1}",
  ".chart text{font-size:11px;fill:#374151}",
].join("");

/** The pages of the navigation, in order. */
export const NAV = [
  { path: "/dashboard", label: "Usage" },
  { path: "/dashboard/keys", label: "Keys" },
  { path: "/dashboard/wallet", label: "Wallet" },
  { path: "/dashboard/requests", label: "Requests" },
  { path: "/dashboard/end-users", label: "End users" },
] as const;

export type NavPath = (typeof NAV)[number]["path"];

function head(title: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)} · Gatehouse dashboard</title><style>${DASHBOARD_STYLE}</style></head>`
  );
}

/** The hidden input every form carries: the session's CSRF token. */
export function csrfField(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}

/** A signed-in page: banner (navigation with the current page marked, sign-out), then `body` in main. */
export function signedInPage(view: { title: string; current: NavPath | null; csrf: string; tenantName: string }, body: string): string {
  const links = NAV.map(
    (n) => `<li><a href="${n.path}"${n.path === view.current ? ` aria-current="page"` : ""}>${escapeHtml(n.label)}</a></li>`,
  ).join("");
  return (
    head(view.title) +
    `<body><header class="top"><a class="brand" href="/dashboard">Gatehouse · ${escapeHtml(view.tenantName)}</a>` +
    `<nav aria-label="Dashboard"><ul>${links}</ul></nav>` +
    `<form method="post" action="/dashboard/sign-out">${csrfField(view.csrf)}<button type="submit">Sign out</button></form></header>` +
    `<main><h1>${escapeHtml(view.title)}</h1>${body}</main></body></html>`
  );
}

/** A page outside a session (sign-in, notices): no navigation. */
export function plainPage(title: string, body: string): string {
  return head(title) + `<body><main class="narrow"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
