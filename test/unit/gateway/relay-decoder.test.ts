// The pass-through relay for an OpenAI client that did not ask for usage: Gatehouse asked the
// upstream for it (to bill), so the usage-only chunk (`"choices":[]`) is dropped before the
// client sees it — and nothing else. Hosts end lines with CRLF as often as with LF (SSE allows
// both); an event splitter that only knew "\n\n" would take a whole CRLF batch for one event
// holding the usage chunk and drop all of it, the content with it.
import { describe, expect, it } from "vitest";
import { createRelayDecoder } from "../../../runtime/gateway/relay-decoder";
import { DEFAULT_STREAM_LIMITS } from "../../../runtime/gateway/stream-limits";
import { sseFromChunks } from "../../support/upstream-streams";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Everything the client receives when the upstream sends `chunks` (one push each). */
function relay(chunks: readonly string[], includeUsage: boolean): string {
  const decoder = createRelayDecoder("openai", { model: "gpt-4o-mini", includeUsage }, DEFAULT_STREAM_LIMITS);
  let out = "";
  for (const c of chunks) {
    const bytes = decoder.push(enc.encode(c));
    if (bytes) out += dec.decode(bytes);
  }
  const last = decoder.end();
  if (last) out += dec.decode(last);
  return out;
}

const withUsage = sseFromChunks("openai", ["Lima", " the", " llama."], { includeUsage: true });
const crlf = withUsage.replaceAll("\n", "\r\n");
const events = (text: string, sep: string) => text.split(sep).filter((e) => e !== "").map((e) => e + sep);

describe("an OpenAI pass-through stream to a client that did not ask for usage", () => {
  it.each([
    ["LF", withUsage, "\n\n"],
    ["CRLF", crlf, "\r\n\r\n"],
  ])("%s line ends, the whole stream in one read: every content event relayed as sent, only the usage chunk dropped", (_name, upstream, sep) => {
    const got = relay([upstream], false);
    const expected = events(upstream, sep).filter((e) => !e.includes('"choices":[]')).join("");
    expect(got).toBe(expected);
    expect(got).toContain("llama.");
    expect(got).not.toContain('"usage"');
  });

  it("CRLF line ends, one event per read: the same bytes", () => {
    const got = relay(events(crlf, "\r\n\r\n"), false);
    expect(got).toBe(events(crlf, "\r\n\r\n").filter((e) => !e.includes('"choices":[]')).join(""));
  });

  it("a client that asked for usage gets the CRLF stream byte for byte", () => {
    expect(relay([crlf], true)).toBe(crlf);
  });
});
