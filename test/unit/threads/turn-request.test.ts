import { describe, expect, it } from "vitest";
import { modelBody, sendable } from "../../../runtime/threads/turn-request";

describe("a stored turn sent again as context", () => {
  it("leaves out thinking blocks without a signature, keeps signed ones and everything else", () => {
    const blocks = [
      { type: "thinking", thinking: "from another provider's reasoning", signature: "" },
      { type: "thinking", thinking: "unsigned" },
      { type: "thinking", thinking: "signed by Anthropic", signature: "EqQBCkgIAhABGAIiQ" },
      { type: "redacted_thinking", data: "abc" },
      { type: "text", text: "the answer" },
    ];
    expect(sendable(blocks)).toEqual([blocks[2], blocks[3], blocks[4]]);
  });

  it("sends a message made only of unsigned thinking as stored (never an empty content)", () => {
    const only = [{ type: "thinking", thinking: "x", signature: "" }];
    expect(sendable(only)).toEqual(only);
  });

  it("builds the Messages body: context (cleaned), then the new user turn, forwarded fields only when given", () => {
    const body = modelBody(
      { model: "mock/echo", max_tokens: 10, content: "next", temperature: 0.2 },
      [
        { seq: 1, role: "user", content: [{ type: "text", text: "hi" }], tokens: 1 },
        { seq: 2, role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "" }, { type: "text", text: "hello" }], tokens: 1 },
      ],
      [{ type: "text", text: "next" }],
      true,
    );
    expect(body).toEqual({
      model: "mock/echo",
      max_tokens: 10,
      temperature: 0.2,
      stream: true,
      messages: [
        { role: "user", content: [{ type: "text", text: "hi" }] },
        { role: "assistant", content: [{ type: "text", text: "hello" }] },
        { role: "user", content: [{ type: "text", text: "next" }] },
      ],
    });
  });
});
