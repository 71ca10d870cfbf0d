// "Adding a connector = dropping one YAML file in connectors/ and running gen": on a temp
// copy, fixtures/manifests/valid/sentry.yaml becomes a catalog entry (served by
// GET /v1/connectors), a compiled module (request builders, input validators) in the registry,
// and only the generated connector modules change.
import { copyFile, readdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, makeTempProject, removeTempProject, REPO, runGen, snapshotDir } from "./support/temp-project";

interface Manifest {
  id: string;
  http: { base_url: string };
  verify: { method: string; path: string };
  auth: { inject: { in: string; name?: string; value?: string }[] };
  tools: { name: string; input_schema: { properties: Record<string, unknown>; required?: string[] }; request: { method: string; path: string } }[];
}
interface Summary {
  id: string;
  name: string;
  auth_mode: string;
  tools: { name: string; read_only: boolean; destructive: boolean }[];
}

const FIXTURE = join(FIXTURES, "valid/sentry.yaml");
const SHARED_CATALOG = join(REPO, "../shared/connectors/catalog.json");

let root: string;
let fixture: Manifest;
let fixtureText: string;
let before: Map<string, string>;
let after: Map<string, string>;
let existingIds: string[];
const load = <T>(rel: string): Promise<T> => import(/* @vite-ignore */ pathToFileURL(join(root, "generated", rel)).href) as Promise<T>;

beforeAll(async () => {
  fixtureText = await readFile(FIXTURE, "utf8");
  fixture = parse(fixtureText) as Manifest;
  // The catalog has its own connectors/sentry.yaml: the copy keeps three others, so the fixture is the one added.
  root = await makeTempProject(undefined, { connectors: ["github", "linear", "stripe"] });
  // Baseline: generated/ as gen makes it from this copy (the working tree may be mid-edit).
  const baseline = await runGen(root);
  expect(baseline.code, baseline.stderr).toBe(0);
  before = await snapshotDir(join(root, "generated"));
  existingIds = (await readdir(join(root, "connectors"))).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, ""));
  expect(existingIds).not.toContain("sentry");

  await copyFile(FIXTURE, join(root, "connectors/sentry.yaml"));
  const r = await runGen(root);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/write +[1-9]\d* file\(s\) changed in generated\//);
  after = await snapshotDir(join(root, "generated"));
}, 120_000);
afterAll(() => removeTempProject(root));

describe("dropping connectors/sentry.yaml into the project and running gen", () => {
  it("the fixture is a proper manifest file: $schema comment on line 1, id = file name", () => {
    expect(fixtureText.split("\n")[0]).toBe("# yaml-language-server: $schema=../generated/schemas/connector-manifest.schema.json");
    expect(fixture.id).toBe("sentry");
  });

  it("changes only the generated connector modules", () => {
    const changed = [...after.keys()].filter((k) => before.get(k) !== after.get(k)).sort();
    expect(changed).toContain("connectors/catalog.ts");
    expect(changed.filter((k) => !k.startsWith("connectors/"))).toEqual([]);
    // New files: the connector's own compiled module and its validators, nothing else.
    const added = [...after.keys()].filter((k) => !before.has(k)).sort();
    expect(added).toEqual(["connectors/sentry.ts", "connectors/sentry.validators.d.ts", "connectors/sentry.validators.js"]);
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
  });

  it("adds sentry and its tools (as <id>/<tool>) to connectorCatalog, keeping the others", async () => {
    const { connectorCatalog, manifests } = await load<{ connectorCatalog: Summary[]; manifests: Record<string, Manifest> }>("connectors/catalog.ts");
    const ids = connectorCatalog.map((c) => c.id);
    expect(ids).toEqual([...existingIds, "sentry"].sort((a, b) => a.localeCompare(b)));
    const sentry = connectorCatalog.find((c) => c.id === "sentry");
    expect(sentry).toMatchObject({ name: "Sentry", auth_mode: "bearer" });
    expect(sentry?.tools.map((t) => t.name)).toEqual(["sentry/list_issues", "sentry/get_issue", "sentry/update_issue", "sentry/list_projects", "sentry/list_issue_events"]);
    expect(sentry?.tools.map((t) => t.name)).toEqual(fixture.tools.map((t) => `sentry/${t.name}`));
    expect(sentry?.tools[0]).toMatchObject({ read_only: true, destructive: false });
    expect(sentry?.tools[2]).toMatchObject({ read_only: false, destructive: false });
    // The catalog keeps the manifest's head; schemas and requests are in the compiled module.
    expect(manifests.sentry).toMatchObject({ id: "sentry", http: fixture.http, auth: fixture.auth });
  });

  it("compiles the tool requests and credential injection into connectors/sentry.ts, listed in the registry", async () => {
    type Built = { method: string; url: string; body?: string | null };
    type Mod = { connector: { auth(c: object): unknown; baseUrl(c: object): string; tools: Record<string, { build(i: object, c: object, base: string): Built; validate(x: unknown): boolean }> } };
    const { connector } = await load<Mod>("connectors/sentry.ts");
    const { connectorIds } = await load<{ connectorIds: string[] }>("connectors/registry.ts");
    expect(connectorIds).toContain("sentry");
    expect(connector.baseUrl({})).toBe("https://sentry.io/api/0");
    expect(connector.auth({})).toEqual({ mode: "bearer", field: "auth_token" });
    const built = connector.tools.get_issue!.build({ organization_slug: "acme", issue_id: "42" }, {}, "https://sentry.io/api/0");
    expect(built).toMatchObject({ method: "GET", url: "https://sentry.io/api/0/organizations/acme/issues/42/", body: null });
    expect(connector.tools.update_issue!.build({ organization_slug: "a", issue_id: "1", status: "resolved" }, {}, "https://x.test").method).toBe("PUT");
  });

  it("emits an input validator per tool that enforces the manifest's input_schema", async () => {
    type V = (x: unknown) => boolean;
    const { connector } = await load<{ connector: { tools: Record<string, { validate: V }> } }>("connectors/sentry.ts");
    const getIssue = connector.tools.get_issue?.validate;
    expect(getIssue?.({ organization_slug: "acme", issue_id: "42" })).toBe(true);
    expect(getIssue?.({ organization_slug: "acme" })).toBe(false);
    expect(connector.tools.update_issue?.validate({ organization_slug: "a", issue_id: "1", status: "snoozed" })).toBe(false);
    expect(connector.tools.list_issues?.validate({ organization_slug: "acme", limit: 500 })).toBe(false);
  });
});

// The fixture is written from the shared connector fact catalog; keep it honest.
describe.skipIf(!existsSync(SHARED_CATALOG))("the sentry fixture agrees with ../shared/connectors/catalog.json", () => {
  it("base URL, auth header, verify call and tools (method, path, required and optional params)", async () => {
    type Row = { id: string; base_url: string; auth: { format: string }; verify: { method: string; path: string }; tools: { name: string; method: string; path: string; params: string[] }[] };
    const rows = JSON.parse(await readFile(SHARED_CATALOG, "utf8")) as Row[];
    const row = rows.find((r) => r.id === "sentry") as Row;
    expect(fixture.http.base_url).toBe(row.base_url);
    expect(fixture.verify).toMatchObject(row.verify);
    const [header, format] = row.auth.format.split(": ") as [string, string];
    expect(fixture.auth.inject).toEqual([{ in: "header", name: header, value: format.replace(/\{(\w+)\}/, "{{auth.$1}}") }]);
    // The catalog's three tools come first; the catalog lint asks for at least five, so more follow.
    expect(fixture.tools.slice(0, row.tools.length).map((t) => t.name)).toEqual(row.tools.map((t) => t.name));
    for (const [i, t] of row.tools.entries()) {
      const mine = fixture.tools[i] as Manifest["tools"][number];
      expect(mine.request).toMatchObject({ method: t.method, path: t.path.replaceAll(/\{(\w+)\}/g, "{{input.$1}}") });
      expect(Object.keys(mine.input_schema.properties).sort()).toEqual(t.params.map((p) => p.replace(/\?$/, "")).sort());
      expect([...(mine.input_schema.required ?? [])].sort()).toEqual(t.params.filter((p) => !p.endsWith("?")).sort());
    }
  });
});
