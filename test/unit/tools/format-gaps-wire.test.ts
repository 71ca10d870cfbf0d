// The wire form of issue 18's three manifest-format additions, with no network but the local
// mock vendor: a `{{+input.x}}` path keeps "/" between its segments and encodes inside them,
// and can never climb out of its route; a map `select` hands the model items and the next
// cursor; a `multipart` body carries text fields and a base64 file as exact bytes, within the
// tool's byte limit. Format checks at gen time: test/codegen/manifest-format-gaps.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ManifestView } from "../../../codegen/validate/manifest-view";
import { InputRefused, type BuiltRequest, type ConnectorModule } from "../../../generated/connectors/connector-runtime";
import { loadConnector } from "../../../generated/connectors/registry";
import { callTool } from "../../../runtime/tools/connector-call";
import { applySelect } from "../../../runtime/tools/trim";
import { compileFixture, type CompiledFixture } from "../../codegen/connector-fixture";
import { useMockVendor } from "../../support/use-mock-vendor";
import { refusal } from "../../support/refusal";

const BASE = "https://api.example.com/v1";
const modules = new Map<string, ConnectorModule>();
let fixture: CompiledFixture;

const FIXTURE: ManifestView = {
  id: "gaps",
  name: "Gaps",
  description: "Format gaps.",
  categories: ["test"],
  auth: { mode: "none" },
  http: { base_url: "https://gaps.example" },
  tools: [
    {
      name: "upload",
      description: "A small upload limit, a templated type.",
      input_schema: { type: "object", properties: { data: { type: "string" }, type: { type: "string" }, note: {} } },
      request: { method: "PUT", path: "/files", body_encoding: "multipart", body: { note: "{{input.note}}" }, files: { doc: { content: "{{input.data}}", content_type: "{{input.type}}", max_bytes: 4 } } },
    },
    {
      name: "listing",
      description: "A map select with [] inside.",
      input_schema: { type: "object", properties: {} },
      request: { method: "GET", path: "/things" },
      response: { select: { names: "data[].tags[].name", next: "meta.next_cursor", none: "meta.missing", proto: "__proto__.x" } },
    },
  ],
};

beforeAll(async () => {
  for (const id of ["github", "cloudinary", "elevenlabs", "openai", "mailgun"]) modules.set(id, (await loadConnector(id))!);
  fixture = await compileFixture(FIXTURE);
}, 60_000);
afterAll(() => fixture?.remove());

const tool = (name: string) => {
  const [id, t] = name.split("/") as [string, string];
  const found = (id === "gaps" ? fixture.connector : modules.get(id))?.tools[t];
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};
const build = (name: string, input: Record<string, unknown>): BuiltRequest => tool(name).build(input, {}, BASE);

describe("{{+input.x}}: a path of several segments", () => {
  it("github get_file_contents: each segment encoded, / kept between them, the ref in the query", () => {
    const r = build("github/get_file_contents", { owner: "o", repo: "r", path: "src/a b/#1?.ts", ref: "main" });
    expect(r).toMatchObject({ method: "GET", url: `${BASE}/repos/o/r/contents/src/a%20b/%231%3F.ts`, query: { ref: "main" }, body: null });
    const u = new URL(r.url);
    expect([u.pathname, u.search, u.hash]).toEqual(["/v1/repos/o/r/contents/src/a%20b/%231%3F.ts", "", ""]);
  });

  it("cloudinary: a public_id with folders is the rest of the path", () => {
    expect(build("cloudinary/get_resource", { resource_type: "image", public_id: "products/red shoe" }).url).toBe(`${BASE}/resources/image/upload/products/red%20shoe`);
  });

  it("text that only looks like a climb stays inside its segment: encoded dots, backslashes", () => {
    expect(new URL(build("github/get_file_contents", { owner: "o", repo: "r", path: "%2e%2e/x" }).url).pathname).toBe("/v1/repos/o/r/contents/%252e%252e/x");
    expect(new URL(build("github/get_file_contents", { owner: "o", repo: "r", path: "a\\..\\..\\b" }).url).pathname).toBe("/v1/repos/o/r/contents/a%5C..%5C..%5Cb");
    expect(new URL(build("github/get_file_contents", { owner: "o", repo: "r", path: ".github/x..y" }).url).pathname).toBe("/v1/repos/o/r/contents/.github/x..y");
  });

  it.each(["..", ".", "a/../../b", "a/./b", "/etc/passwd", "a/", "a//b", ""])("%j is refused, naming the argument and what to write", (path) => {
    const err = refusal(() => build("github/get_file_contents", { owner: "o", repo: "r", path }));
    expect(err).toBeInstanceOf(InputRefused);
    expect(err.message).toBe(`path must be a relative path such as docs/README.md, with no leading, trailing or doubled "/" and no "." or ".." segment (got ${JSON.stringify(path)})`);
  });
});

describe("select: a map of named paths, compiled", () => {
  it("maps [] at any depth, leaves absent keys out, and never reaches the prototype", () => {
    const select = tool("gaps/listing").select!;
    const answer = { data: [{ tags: [{ name: "a" }, { id: 1 }] }, { tags: [] }, {}], meta: { next_cursor: "c2" } };
    expect(select(answer)).toEqual({ names: [["a", null], [], null], next: "c2" });
    expect(select({})).toEqual({});
    expect(applySelect("not an object", select)).toEqual({});
  });

  it("a one-path select that does not match gives null (the executor's rule for every select)", () => {
    expect(applySelect({ other: 1 }, tool("github/search_issues").select!)).toEqual({});
    expect(applySelect({ other: 1 }, tool("elevenlabs/list_voices").select!)).toBeNull();
  });
});

/** The multipart body as text (latin1, so file bytes map 1:1 to characters) and its boundary. */
function multipart(r: BuiltRequest): { text: string; boundary: string } {
  const type = r.headers?.["content-type"] ?? "";
  const boundary = /^multipart\/form-data; boundary=(gatehouse-[0-9a-f]{32})$/.exec(type)?.[1];
  if (!boundary) throw new Error(`not a multipart content type: ${type}`);
  if (!(r.body instanceof Uint8Array)) throw new Error("a multipart body is bytes");
  return { text: Array.from(r.body, (b) => String.fromCharCode(b)).join(""), boundary };
}
const field = (b: string, name: string, value: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

describe("multipart bodies", () => {
  const bytes = [0, 255, 13, 10, 45, 45, 128, 1];
  const base64 = btoa(String.fromCharCode(...bytes));

  it("elevenlabs speech_to_text: text fields, then the file as its exact bytes with name and type", () => {
    const r = build("elevenlabs/speech_to_text", { model_id: "scribe_v2", file_base64: base64, filename: 'rec "1".mp3', content_type: "audio/mpeg", language_code: "en", tag_audio_events: false });
    expect(r).toMatchObject({ method: "POST", url: `${BASE}/speech-to-text`, query: {} });
    expect(Object.keys(r.headers ?? {})).toEqual(["content-type"]);
    const { text, boundary } = multipart(r);
    expect(text).toBe(
      field(boundary, "model_id", "scribe_v2") +
        field(boundary, "language_code", "en") +
        field(boundary, "tag_audio_events", "false") +
        field(boundary, "timestamps_granularity", "none") +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="rec %221%22.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n${String.fromCharCode(...bytes)}\r\n` +
        `--${boundary}--\r\n`,
    );
  });

  it("without a file (a cloud_storage_url instead) there is no file part; defaults name an unnamed file", () => {
    const r = build("elevenlabs/speech_to_text", { model_id: "scribe_v1", cloud_storage_url: "https://cdn.example/a.mp3" });
    const { text, boundary } = multipart(r);
    expect(text).toBe(field(boundary, "model_id", "scribe_v1") + field(boundary, "cloud_storage_url", "https://cdn.example/a.mp3") + field(boundary, "timestamps_granularity", "none") + `--${boundary}--\r\n`);
    const unnamed = multipart(build("elevenlabs/speech_to_text", { model_id: "scribe_v1", file_base64: "aGk=" }));
    expect(unnamed.text).toContain(`name="file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\nhi\r\n`);
  });

  it("a list repeats its field; base64 may be URL-safe, unpadded, wrapped or a data: URL", () => {
    const r = build("gaps/upload", { data: "data:text/plain;base64,_-8\n", type: "text/plain; charset=utf-8", note: ["x", 2] });
    const { text, boundary } = multipart(r);
    expect(text).toBe(field(boundary, "note", "x") + field(boundary, "note", "2") + `--${boundary}\r\nContent-Disposition: form-data; name="doc"; filename="file"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xff\xef\r\n--${boundary}--\r\n`);
  });

  it("openai transcribe_audio: model, language, a fixed json response_format, then the file", () => {
    const r = build("openai/transcribe_audio", { file_base64: btoa("RIFFwav"), filename: "call.wav", model: "gpt-4o-transcribe", language: "de" });
    expect(r).toMatchObject({ method: "POST", url: `${BASE}/audio/transcriptions` });
    const { text, boundary } = multipart(r);
    expect(text).toBe(
      field(boundary, "model", "gpt-4o-transcribe") +
        field(boundary, "language", "de") +
        field(boundary, "response_format", "json") +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="call.wav"\r\nContent-Type: application/octet-stream\r\n\r\nRIFFwav\r\n--${boundary}--\r\n`,
    );
  });

  it("mailgun send_message: Mailgun's prefixed field names as they are, and an optional attachment", () => {
    const input = { domain: "mg.example.com", from: "A <a@mg.example.com>", to: "b@example.com", subject: "Invoice", text: "Attached.", reply_to: "c@example.com" };
    const plain = multipart(build("mailgun/send_message", input));
    expect(plain.text).toBe(
      ["from", "A <a@mg.example.com>", "to", "b@example.com", "subject", "Invoice", "text", "Attached.", "h:Reply-To", "c@example.com"].reduce((out, _, i, a) => (i % 2 ? out : out + field(plain.boundary, a[i]!, a[i + 1]!)), "") + `--${plain.boundary}--\r\n`,
    );
    const r = build("mailgun/send_message", { ...input, attachment_base64: btoa("%PDF-1.4"), attachment_filename: "invoice.pdf", attachment_content_type: "application/pdf" });
    expect(r.url).toBe(`${BASE}/v3/mg.example.com/messages`);
    const { text, boundary } = multipart(r);
    expect(text.endsWith(`--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="invoice.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`)).toBe(true);
  });

  it("each request has its own random boundary", () => {
    expect(multipart(build("gaps/upload", { data: "aGk=" })).boundary).not.toBe(multipart(build("gaps/upload", { data: "aGk=" })).boundary);
  });

  it.each([
    ["not base64", { data: "héllo" }, "data is not valid base64: encode the file's bytes with the standard base64 alphabet (A-Z, a-z, 0-9, +, /)"],
    ["an impossible length", { data: "abcde" }, "data is not valid base64: encode the file's bytes with the standard base64 alphabet (A-Z, a-z, 0-9, +, /)"],
    ["not a string", { data: 42 }, "data must be the file's bytes as a base64 string"],
    ["above the byte limit", { data: btoa("12345") }, "data is 5 bytes once decoded, above this tool's limit of 4 bytes"],
    ["a content type with a line break", { data: "aGk=", type: "text/plain\r\nX-Evil: 1" }, 'data has a content type "text/plain\\r\\nX-Evil: 1" that is not a media type such as audio/mpeg'],
    ["a line break before a parameter", { data: "aGk=", type: "text/plain\r\n;a=b" }, 'data has a content type "text/plain\\r\\n;a=b" that is not a media type such as audio/mpeg'],
    ["an object as a field", { data: "aGk=", note: { a: 1 } }, "note must be a string, number, boolean or a list of them: it is sent as a form field"],
  ])("%s is refused before anything is sent", (_, input, message) => {
    const err = refusal(() => build("gaps/upload", input));
    expect(err).toBeInstanceOf(InputRefused);
    expect(err.message).toBe(message);
  });
});

describe("through the executor, against the mock vendor", () => {
  const vendor = useMockVendor();
  let env: Env;
  beforeEach(() => {
    env = { CONNECTOR_ELEVENLABS_URL: `${vendor.url}/v1`, CONNECTOR_SLACK_URL: `${vendor.url}/api`, CONNECTOR_GITHUB_URL: vendor.url } as unknown as Env;
  });
  const opts = { connectionId: "conn-1", maxAttempts: 1 };

  it("speech_to_text: the vendor receives the multipart form with the key injected; the model gets language and text", async () => {
    vendor.script("/v1/speech-to-text", { body: { language_code: "en", language_probability: 0.98, text: "Hello there.", words: [{ text: "Hello", start: 0 }] } });
    const out = await callTool(env, "elevenlabs/speech_to_text", { model_id: "scribe_v2", file_base64: btoa("RIFF-audio"), filename: "a.wav", content_type: "audio/wav" }, { api_key: "sk_SECRETeleven" }, opts);
    expect(out).toEqual({ ok: true, status: 200, content: '{"language_code":"en","text":"Hello there."}', truncated: false });
    const [req] = vendor.requests;
    expect(req).toMatchObject({ method: "POST", path: "/v1/speech-to-text" });
    expect(req!.headers["xi-api-key"]).toBe("sk_SECRETeleven");
    const boundary = /^multipart\/form-data; boundary=(gatehouse-[0-9a-f]{32})$/.exec(req!.headers["content-type"] ?? "")?.[1] ?? "(none)";
    expect(req!.body).toBe(
      field(boundary, "model_id", "scribe_v2") +
        field(boundary, "timestamps_granularity", "none") +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF-audio\r\n--${boundary}--\r\n`,
    );
  });

  it("speech_to_text: a file over the limit is an invalid_input error and nothing is sent", async () => {
    const big = btoa("x".repeat(10 * 1024 * 1024 + 3));
    const out = await callTool(env, "elevenlabs/speech_to_text", { model_id: "scribe_v2", file_base64: big }, { api_key: "k" }, opts);
    expect(out).toMatchObject({ ok: false, kind: "invalid_input", status: 400 });
    expect(vendor.requests).toHaveLength(0);
  });

  it("slack list_channels: channels and the next cursor on success; on ok:false the error and the missing scope", async () => {
    vendor.script("/api/conversations.list", { body: { ok: true, channels: [{ id: "C1", name: "general" }], response_metadata: { next_cursor: "dGVhbTpDMDYx" }, warning: "superfluous" } });
    const page = await callTool(env, "slack/list_channels", {}, { bot_token: "xoxb-SECRET" }, opts);
    expect(page).toMatchObject({ ok: true, content: '{"ok":true,"channels":[{"id":"C1","name":"general"}],"response_metadata":{"next_cursor":"dGVhbTpDMDYx"}}' });
    vendor.script("/api/conversations.list", { body: { ok: false, error: "missing_scope", needed: "channels:read", provided: "chat:write" } });
    const refused = await callTool(env, "slack/list_channels", {}, { bot_token: "xoxb-SECRET" }, opts);
    expect(refused).toMatchObject({ ok: true, content: '{"ok":false,"error":"missing_scope","needed":"channels:read"}' });
  });

  it("github get_file_contents: the vendor sees the nested path as segments", async () => {
    vendor.script("/repos/o/r/contents/docs/guide/intro.md", { body: { type: "file", path: "docs/guide/intro.md" } });
    const out = await callTool(env, "github/get_file_contents", { owner: "o", repo: "r", path: "docs/guide/intro.md" }, { token: "ghp_SECRET" }, opts);
    expect(out.ok).toBe(true);
    expect(vendor.requests[0]!.path).toBe("/repos/o/r/contents/docs/guide/intro.md");
  });
});
