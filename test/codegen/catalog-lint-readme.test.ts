// connectors/README.md's table of connectors is checked against connectors/*.yaml, so it cannot
// drift: id, name, categories, auth mode and tool count of every manifest, in id order, between
// the two markers. On a mismatch the failure prints the table to paste; UPDATE_CONNECTOR_TABLE=1
// (`UPDATE_CONNECTOR_TABLE=1 npx vitest run test/codegen/catalog-lint-readme.test.ts`) writes it.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MIN_TOOLS, TOOL_VERBS } from "../../codegen/validate/catalog-lint";
import type { ManifestView } from "../../codegen/validate/manifest-view";
import { REPO } from "./support/temp-project";

const DIR = join(REPO, "connectors");
const README = join(DIR, "README.md");
const BEGIN = "<!-- connector table begin (checked by test/codegen/catalog-lint-readme.test.ts) -->";
const END = "<!-- connector table end -->";

/** The table as the manifests say it should be. */
export function connectorTable(): string {
  const manifests = readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parse(readFileSync(join(DIR, f), "utf8")) as ManifestView);
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const rows = manifests.map((m) => {
    const tools = m.auth.mode === "mcp" ? "discovered" : String(m.tools.length);
    const name = m.docs_url ? `[${cell(m.name)}](${m.docs_url})` : cell(m.name);
    return `| \`${m.id}\` | ${name} | ${cell(m.categories.join(", "))} | \`${m.auth.mode}\` | ${tools} |`;
  });
  const toolCount = manifests.reduce((n, m) => n + (m.auth.mode === "mcp" ? 0 : m.tools.length), 0);
  return [
    `${manifests.length} connectors, ${toolCount} tools (MCP connectors' tools are discovered per connection). The name links to the vendor's API reference (\`docs_url\`).`,
    "",
    "| id | name | categories | auth | tools |",
    "|---|---|---|---|---:|",
    ...rows,
  ].join("\n");
}

describe("connectors/README.md", () => {
  it("its connector table matches connectors/*.yaml", () => {
    const text = readFileSync(README, "utf8");
    const [b, e] = [text.indexOf(BEGIN), text.indexOf(END)];
    expect(b, `connectors/README.md needs the markers ${BEGIN} … ${END}`).toBeGreaterThanOrEqual(0);
    expect(e).toBeGreaterThan(b);
    const want = connectorTable();
    const have = text.slice(b + BEGIN.length, e).trim();
    if (have !== want && process.env.UPDATE_CONNECTOR_TABLE === "1") {
      writeFileSync(README, `${text.slice(0, b + BEGIN.length)}\n${want}\n${text.slice(e)}`);
      return;
    }
    expect(have, "the table is stale: run UPDATE_CONNECTOR_TABLE=1 npx vitest run test/codegen/catalog-lint-readme.test.ts").toBe(want);
  });

  it("states the lint's numbers and verb list as the lint has them", () => {
    const text = readFileSync(README, "utf8");
    expect(text).toContain(`at least ${MIN_TOOLS} tools`);
    for (const v of TOOL_VERBS) expect(text, `verb ${v}`).toContain(`\`${v}\``);
  });
});
