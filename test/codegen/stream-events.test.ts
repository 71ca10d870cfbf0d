// The `qlaud.*` stream events (API-CONTRACT "Threads") are declared once in TypeSpec and come
// out as OpenAPI components, a discriminated union keyed by the SSE event name, and the
// generated module the runtime, the SDK and the dashboard share.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { streamEventNames } from "../../codegen/emit/stream-events";
import { generate } from "../../codegen/pipeline";
import {
  formatQlaudStreamEvent,
  isQlaudStreamEventName,
  parseQlaudStreamEvent,
  QLAUD_STREAM_EVENT_NAMES,
  type QlaudStreamEvent,
  type QlaudStreamEventData,
  type QlaudStreamEventName,
} from "../../generated/api/stream-events";
import * as sdk from "../../generated/client/index";
import { makeTempProject, removeTempProject } from "./support/temp-project";

/** The contract: each event's name and the fields of its data. */
const CONTRACT: Record<string, string[]> = {
  "qlaud.iteration_start": ["iteration"],
  "qlaud.tool_dispatch_start": ["tool_use_id", "name"],
  "qlaud.tool_dispatch_done": ["tool_use_id", "name", "ok"],
  "qlaud.error": ["type", "message"],
  "qlaud.done": ["iterations", "hit_max_iterations", "cost_micros", "seq"],
};

interface Schema {
  description?: string;
  required?: string[];
  properties?: Record<string, Schema & { enum?: string[]; allOf?: { $ref: string }[] }>;
  oneOf?: { $ref: string }[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
}

let root: string;
let schemas: Record<string, Schema>;
let module: string;
const refName = (ref: string) => ref.replace("#/components/schemas/", "");

beforeAll(async () => {
  root = await makeTempProject(["spec", "connectors"]);
  const files = await generate(root);
  const { parse } = await import("yaml");
  schemas = (parse(files.get("openapi/openapi.yaml") ?? "") as { components: { schemas: Record<string, Schema> } }).components.schemas;
  module = files.get("api/stream-events.ts") ?? "";
}, 120_000);
afterAll(() => removeTempProject(root));

describe("QlaudStreamEvent in the OpenAPI components", () => {
  it("is a union discriminated by `event` with exactly the contract's five events, in its order", () => {
    const union = schemas.QlaudStreamEvent;
    expect(union?.discriminator?.propertyName).toBe("event");
    expect(Object.keys(union?.discriminator?.mapping ?? {})).toEqual(Object.keys(CONTRACT));
    expect(union?.oneOf?.map((r) => r.$ref)).toEqual(Object.values(union?.discriminator?.mapping ?? {}));
    expect(union?.description).toMatch(/qlaud/);
  });

  it.each(Object.entries(CONTRACT))("%s: the event carries its name and data whose fields are exactly the contract's, all required and documented", (name, fields) => {
    const eventModel = schemas[refName(schemas.QlaudStreamEvent?.discriminator?.mapping[name] ?? "")];
    expect(eventModel?.required).toEqual(["event", "data"]);
    expect(eventModel?.properties?.event?.enum).toEqual([name]);
    const data = schemas[refName(eventModel?.properties?.data?.allOf?.[0]?.$ref ?? "")];
    expect(data?.description, `${name} data model has a doc`).toMatch(new RegExp(`^\`${name.replace(".", "\\.")}\``));
    expect(Object.keys(data?.properties ?? {})).toEqual(fields);
    expect(data?.required).toEqual(fields);
    for (const f of fields) expect(data?.properties?.[f]?.description, `${name}.${f} has a doc`).toBeTruthy();
    for (const p of Object.values(eventModel?.properties ?? {})) expect(p.description).toBeTruthy();
  });

  it("qlaud.error's type is the one error-type table every Gatehouse error uses", () => {
    expect(schemas.QlaudError?.properties?.type?.allOf?.[0]?.$ref).toBe("#/components/schemas/ErrorType");
  });

  it("the committed generated/api/stream-events.ts is what gen emits now", async () => {
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(new URL("../../generated/api/stream-events.ts", import.meta.url), "utf8")).toBe(module);
  });

  it("streamEventNames refuses a spec without the union (the module would silently go empty)", () => {
    expect(() => streamEventNames({ components: { schemas: {} } })).toThrow(/QlaudStreamEvent must be a union discriminated by "event"/);
  });
});

describe("generated/api/stream-events.ts", () => {
  it("names exactly the five events, as values and as types", () => {
    expect([...QLAUD_STREAM_EVENT_NAMES]).toEqual(Object.keys(CONTRACT));
    expectTypeOf<QlaudStreamEventName>().toEqualTypeOf<"qlaud.iteration_start" | "qlaud.tool_dispatch_start" | "qlaud.tool_dispatch_done" | "qlaud.error" | "qlaud.done">();
    expectTypeOf<QlaudStreamEventData<"qlaud.iteration_start">>().toEqualTypeOf<{ iteration: number }>();
    expectTypeOf<QlaudStreamEventData<"qlaud.tool_dispatch_done">>().toEqualTypeOf<{ name: string; ok: boolean; tool_use_id: string }>();
    expectTypeOf<QlaudStreamEventData<"qlaud.done">>().toEqualTypeOf<{ cost_micros: number; hit_max_iterations: boolean; iterations: number; seq: number }>();
    expectTypeOf<QlaudStreamEventData<"qlaud.error">["message"]>().toEqualTypeOf<string>();
  });

  it("an event formatted as SSE reads back as the same event; Anthropic's own events are not qlaud's", () => {
    const done: QlaudStreamEvent = { event: "qlaud.done", data: { iterations: 2, hit_max_iterations: false, cost_micros: 1234, seq: 7 } };
    const text = formatQlaudStreamEvent(done);
    expect(text).toBe('event: qlaud.done\ndata: {"iterations":2,"hit_max_iterations":false,"cost_micros":1234,"seq":7}\n\n');
    const [, name, data] = /^event: (.*)\ndata: (.*)\n\n$/.exec(text) ?? [];
    expect(parseQlaudStreamEvent({ event: name, data: data ?? "" })).toEqual(done);
    expect(parseQlaudStreamEvent({ event: "content_block_delta", data: "{}" })).toBeUndefined();
    expect(parseQlaudStreamEvent({ data: "{}" })).toBeUndefined();
    expect(isQlaudStreamEventName("qlaud.tool_dispatch_start")).toBe(true);
    expect(isQlaudStreamEventName("qlaud.unknown")).toBe(false);
  });

  it("the SDK exports them", () => {
    expect(sdk.QLAUD_STREAM_EVENT_NAMES).toBe(QLAUD_STREAM_EVENT_NAMES);
    expect(sdk.parseQlaudStreamEvent).toBe(parseQlaudStreamEvent);
  });
});
