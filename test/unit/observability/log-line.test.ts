// The structured log line: one JSON line, the allow-listed fields in a fixed order and nothing
// else — whatever extra a caller's object carries (a prompt, a key) never reaches the log.
import { describe, expect, it } from "vitest";
import { formatRequestLine, type RequestLine } from "../../../runtime/requests/log-line";

const line: RequestLine = {
  request_id: "req_1",
  tenant_id: "acme",
  key_id: "key_1",
  operation: "createMessage",
  method: "POST",
  route: "/v1/messages",
  status: 200,
  model: "anthropic/claude-haiku-4-5",
  provider: "anthropic",
  streamed: true,
  outcome: "ok",
  latency_ms: 120,
  duration_ms: 2400,
  cost_micros: 1234,
  overshoot_micros: 0,
};

describe("formatRequestLine", () => {
  it("is one line of JSON with the type first and every field", () => {
    const text = formatRequestLine(line);
    expect(text).not.toContain("\n");
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["type", ...Object.keys(line)]);
    expect(JSON.parse(text)).toEqual({ type: "gatehouse.request", ...line });
  });

  it("drops anything that is not a log field, however it got into the object", () => {
    const leaky = { ...line, prompt: "my card is 4242", secret: "qlk_live_abc", end_user_id: "bob", url: "/connect/tok_123" } as RequestLine;
    const text = formatRequestLine(leaky);
    for (const s of ["4242", "qlk_live_abc", "bob", "tok_123"]) expect(text).not.toContain(s);
  });

  it("keeps nulls for what a request did not have (no key, no route, no model)", () => {
    const bare = { ...line, tenant_id: null, key_id: null, operation: null, route: null, model: null, provider: null, outcome: null, streamed: false };
    expect(JSON.parse(formatRequestLine(bare))).toMatchObject({ tenant_id: null, key_id: null, route: null, model: null });
  });
});
