// "Adding a connector = dropping one YAML file in connectors/": in a temporary copy of the
// project, a new manifest (basic auth with a literal user name, a setting in the base URL,
// a path value, query and JSON body; five tools written to pass the catalog lint, as every
// manifest must) goes through `npm run gen`, and its tool then runs end to end through the
// copy's own runtime callTool against the local mock vendor — no other change.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockVendor, type MockVendor } from "../support/mock-vendor";
import { makeTempProject, removeTempProject, runGen } from "./support/temp-project";

const MANIFEST = `# yaml-language-server: $schema=../generated/schemas/connector-manifest.schema.json
id: acme-notes
name: Acme Notes
description: Notes in an Acme workspace.
docs_url: https://docs.notes.acme.test/api
categories: [productivity]
auth:
  mode: basic
  fields:
    - { name: api_key, label: API key }
  config:
    - { name: workspace, label: Workspace, pattern: "^[a-z0-9-]+$" }
  inject:
    - { in: basic, username: api, password: "{{auth.api_key}}" }
verify: { method: GET, path: /me }
http:
  base_url: "https://{{config.workspace}}.notes.acme.test/v2"
  headers: { Accept: application/json }
tools:
  - name: add_note
    description: Add a note to a folder of the workspace; returns the new note's id.
    annotations: { read_only: false, destructive: false, idempotent: false }
    input_schema:
      type: object
      properties:
        folder: { type: string, description: "Folder name, e.g. to do." }
        title: { type: string, description: "The note's title line." }
        tags: { type: array, items: { type: string }, description: "Labels to file it under." }
        pinned: { type: boolean, description: "Pin it and notify the folder's followers." }
      required: [folder, title]
      additionalProperties: false
    request:
      method: POST
      path: "/folders/{{input.folder}}/notes"
      query: { notify: "{{input.pinned}}" }
      body: { title: "{{input.title}}", tags: "{{input.tags}}" }
    response: { select: note.id, max_chars: 2000 }
  - name: list_notes
    description: List the notes of one folder, newest first, with their ids and titles.
    annotations: { read_only: true, destructive: false, idempotent: true }
    input_schema:
      type: object
      properties:
        folder: { type: string, description: "Folder name, e.g. to do." }
      required: [folder]
      additionalProperties: false
    request: { method: GET, path: "/folders/{{input.folder}}/notes" }
    response: { select: notes, max_chars: 8000 }
  - name: get_note
    description: Read one note by its id, with its title, tags and full text.
    annotations: { read_only: true, destructive: false, idempotent: true }
    input_schema:
      type: object
      properties:
        note_id: { type: string, description: "The note's id, e.g. n_1." }
      required: [note_id]
      additionalProperties: false
    request: { method: GET, path: "/notes/{{input.note_id}}" }
    response: { max_chars: 8000 }
  - name: update_note
    description: Change a note's title or tags; fields left out stay as they are.
    annotations: { read_only: false, destructive: false, idempotent: true }
    input_schema:
      type: object
      properties:
        note_id: { type: string, description: "The note's id, e.g. n_1." }
        title: { type: string, description: "The new title line." }
      required: [note_id]
      additionalProperties: false
    request: { method: PATCH, path: "/notes/{{input.note_id}}", body: { title: "{{input.title}}" } }
    response: { max_chars: 2000 }
  - name: delete_note
    description: Delete a note for good; it cannot be restored afterwards.
    annotations: { read_only: false, destructive: true, idempotent: true }
    input_schema:
      type: object
      properties:
        note_id: { type: string, description: "The note's id, e.g. n_1." }
      required: [note_id]
      additionalProperties: false
    request: { method: DELETE, path: "/notes/{{input.note_id}}" }
    response: { max_chars: 2000 }
`;

type CallTool = (env: Env, name: string, args: unknown, credential: Record<string, string>, opts: object) => Promise<unknown>;
let root: string;
let vendor: MockVendor;
let callTool: CallTool;

beforeAll(async () => {
  vendor = await startMockVendor();
  root = await makeTempProject(["package.json", "codegen", "spec", "connectors", "generated", "runtime"]);
  await writeFile(join(root, "connectors/acme-notes.yaml"), MANIFEST);
  const r = await runGen(root);
  expect(r.code, r.stderr).toBe(0);
  ({ callTool } = (await import(/* @vite-ignore */ pathToFileURL(join(root, "runtime/tools/connector-call.ts")).href)) as { callTool: CallTool });
}, 180_000);
afterAll(async () => {
  await vendor?.close();
  await removeTempProject(root);
});

describe("a manifest dropped into connectors/", () => {
  it("runs end to end after gen: encoded path, query, JSON body, Basic api:<key>, selected result", async () => {
    vendor.script("/v2/folders/to%20do/notes", { status: 201, body: { note: { id: "n_1", title: "x" } } });
    const env = { CONNECTOR_ACME_NOTES_URL: `${vendor.url}/v2` } as unknown as Env;
    const out = await callTool(env, "acme-notes/add_note", { folder: "to do", title: "Buy milk", tags: ["home"], pinned: true }, { api_key: "k-SECRET-1" }, { connectionId: "c1", config: { workspace: "acme" }, maxAttempts: 1 });
    expect(out).toEqual({ ok: true, status: 201, content: "n_1", truncated: false });
    const [req] = vendor.requests;
    expect(req).toMatchObject({ method: "POST", path: "/v2/folders/to%20do/notes", query: { notify: "true" } });
    expect(JSON.parse(req!.body)).toEqual({ title: "Buy milk", tags: ["home"] });
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from("api:k-SECRET-1").toString("base64")}`);
    expect(req!.headers.accept).toBe("application/json");
  });

  it("validates with the generated schema: bad arguments are refused before anything is sent", async () => {
    const bad = await callTool({} as Env, "acme-notes/add_note", { folder: "f" }, { api_key: "k" }, { connectionId: "c2", config: { workspace: "acme" } });
    expect(bad).toMatchObject({ ok: false, kind: "invalid_input", message: expect.stringContaining("title is required") });
    expect(vendor.requests).toHaveLength(1);
  });
});
