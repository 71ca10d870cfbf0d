// A real Chromium for browser tests: found on the machine (CI installs Debian's through .ci/run),
// started headless with the flags a machine without network needs (otherwise it stalls on
// background fetches), plus axe-core accessibility checks and screenshots to .tmp/screenshots/.
// Playwright gives each launch a fresh temporary profile (its own --user-data-dir).
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "./local-worker";

/** Where a Chromium is looked for: $CHROMIUM_PATH first, then Debian's and others' usual paths. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((p): p is string => typeof p === "string" && p !== "" && existsSync(p)) ?? null;
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

let axeSource: Promise<string> | undefined;

/** One axe-core rule's failure, reduced to what a test message needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's violations on the page as it stands (WCAG 2.x A and AA and best practices). Its
 * script is injected inline, so the page must come from a context with `bypassCSP: true`.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: await axeSource });
  return page.evaluate(async () => {
    // Runs in the page (no DOM types here): axe.run(options) checks the whole document.
    const axe = (globalThis as unknown as { axe: { run(opts: unknown): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(" ")) }));
  });
}

export const SCREENSHOTS = join(ROOT, ".tmp/screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The id of the element that has focus (empty when none has an id). */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? "");
}

/** Presses Tab until the element with `id` has focus; fails after `max` presses (the field is not reachable by keyboard). */
export async function tabTo(page: Page, id: string, max = 20): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focusedId(page)) === id) return;
    await page.keyboard.press("Tab");
  }
  if ((await focusedId(page)) !== id) throw new Error(`#${id} was not reached with ${max} Tab presses`);
}
