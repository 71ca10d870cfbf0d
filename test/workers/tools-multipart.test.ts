// Issue 18's manifest-format additions inside workerd (its fetch, crypto and atob): an upload
// tool's multipart body (elevenlabs/speech_to_text) and a multi-segment path
// (github/get_file_contents) go through POST /v1/tools/execute and a sealed connection to the
// local receiver exactly as built, and the map select gives the model the selected keys.
import { describe, expect, it } from "vitest";
import { seedTenant } from "./support/seed";
import { api, connectedAccount, freshPrefix, received, RECEIVER, script, standardKey, toolsEnv, type Executed } from "./support/tools";


const part = (b: string, name: string, value: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

describe("manifest format additions in workerd", () => {
  it("speech_to_text: a multipart form with the file's bytes and the key injected; language and text back", async () => {
    const prefix = freshPrefix("el");
    const e = toolsEnv({ CONNECTOR_ELEVENLABS_URL: `${RECEIVER}${prefix}/v1` });
    const t = await seedTenant();
    await connectedAccount(e, t.tenantId, "alice", "elevenlabs", { api_key: "sk_alice_eleven" });
    const alice = await standardKey(e, t.masterKey, "alice");
    await script(`${prefix}/v1/speech-to-text`, { status: 200, body: { language_code: "en", language_probability: 0.9, text: "Hi.", words: [{ text: "Hi." }] } });

    const res = await api<Executed>(e, "POST", "/v1/tools/execute", alice, {
      tool: "elevenlabs/speech_to_text",
      args: { model_id: "scribe_v2", file_base64: btoa("OggS-voice-note"), filename: "note.ogg", content_type: "audio/ogg", language_code: "en" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tool: "elevenlabs/speech_to_text", ok: true, status: 200, content: '{"language_code":"en","text":"Hi."}' });
    const [sent, ...more] = await received(prefix);
    expect(more).toEqual([]);
    expect(sent).toMatchObject({ method: "POST", path: `${prefix}/v1/speech-to-text` });
    expect(sent!.headers["xi-api-key"]).toBe("sk_alice_eleven");
    const boundary = /^multipart\/form-data; boundary=(gatehouse-[0-9a-f]{32})$/.exec(sent!.headers["content-type"] ?? "")?.[1] ?? "(none)";
    expect(sent!.raw).toBe(
      part(boundary, "model_id", "scribe_v2") +
        part(boundary, "language_code", "en") +
        part(boundary, "timestamps_granularity", "none") +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="note.ogg"\r\nContent-Type: audio/ogg\r\n\r\nOggS-voice-note\r\n--${boundary}--\r\n`,
    );
  });

  it("get_file_contents: a nested path arrives as segments; a climbing one is invalid input and nothing is sent", async () => {
    const prefix = freshPrefix("ghp");
    const e = toolsEnv({ CONNECTOR_GITHUB_URL: `${RECEIVER}${prefix}` });
    const t = await seedTenant();
    await connectedAccount(e, t.tenantId, "bob", "github", { token: "ghp_bob_secret" });
    const bob = await standardKey(e, t.masterKey, "bob");
    await script(`${prefix}/repos/acme/app/contents/docs/a%20b.md`, { status: 200, body: { type: "file", name: "a b.md" } });

    const ok = await api<Executed>(e, "POST", "/v1/tools/execute", bob, { tool: "github/get_file_contents", args: { owner: "acme", repo: "app", path: "docs/a b.md" } });
    expect(ok.body).toMatchObject({ ok: true, status: 200 });
    const climb = await api<Executed>(e, "POST", "/v1/tools/execute", bob, { tool: "github/get_file_contents", args: { owner: "acme", repo: "app", path: "docs/../../../orgs" } });
    expect(climb.body).toMatchObject({ ok: false, error: { kind: "invalid_input", status: 400 } });
    expect(climb.body.error?.message).toContain('path must be a relative path such as docs/README.md');
    const sent = await received(prefix);
    expect(sent.map((r) => r.path)).toEqual([`${prefix}/repos/acme/app/contents/docs/a%20b.md`]);
  });
});
