import { describe, expect, it } from "vitest";
import { answerPending, mergeRoles, modelBody, sendable } from "../../../runtime/threads/turn-request";

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
        { role: "user", content: [{ type: "text", text: "hi" }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "" }, { type: "text", text: "hello" }] },
        { role: "user", content: [{ type: "text", text: "next" }] },
      ],
      [],
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

  it("sends the turn's tools when there are any", () => {
    const tool = { name: "qlaud_search_tools", description: "find tools", input_schema: { type: "object" as const } };
    const body = modelBody({ model: "mock/echo", max_tokens: 10, content: "x" }, [{ role: "user", content: [{ type: "text", text: "x" }] }], [tool], false);
    expect(body.tools).toEqual([tool]);
  });
});

describe("a thread left with tool calls to answer", () => {
  const asked = { seq: 2, role: "assistant" as const, tokens: 1, content: [{ type: "text", text: "two calls" }, { type: "tool_use", id: "tu_a", name: "lookup", input: {} }, { type: "tool_use", id: "tu_b", name: "linear__create_issue", input: {} }] };
  const context = [{ seq: 1, role: "user" as const, tokens: 1, content: [{ type: "text", text: "go" }] }, asked];

  it("the app's tool_result continues the turn; a call it left out gets an is_error result naming it; results come first", () => {
    const user = answerPending(context, [{ type: "text", text: "and also" }, { type: "tool_result", tool_use_id: "tu_a", content: "42" }]);
    expect(user).toEqual([
      { type: "tool_result", tool_use_id: "tu_b", is_error: true, content: expect.stringContaining("linear__create_issue") },
      { type: "tool_result", tool_use_id: "tu_a", content: "42" },
      { type: "text", text: "and also" },
    ]);
  });

  it("results stored after the assistant message count as answers (a turn stopped with some calls run)", () => {
    const stored = { seq: 3, role: "user" as const, tokens: 1, content: [{ type: "tool_result", tool_use_id: "tu_b", content: "done" }] };
    expect(answerPending([...context, stored], [{ type: "tool_result", tool_use_id: "tu_a", content: "42" }])).toEqual([{ type: "tool_result", tool_use_id: "tu_a", content: "42" }]);
    expect(answerPending([context[0]!], [{ type: "text", text: "hi" }])).toEqual([{ type: "text", text: "hi" }]);
  });

  it("consecutive messages of one role go as one, tool results first", () => {
    expect(
      mergeRoles([
        { role: "assistant", content: [{ type: "tool_use", id: "tu_b" }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_b" }] },
        { role: "user", content: [{ type: "text", text: "next" }, { type: "tool_result", tool_use_id: "tu_a" }] },
      ]),
    ).toEqual([
      { role: "assistant", content: [{ type: "tool_use", id: "tu_b" }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_b" }, { type: "tool_result", tool_use_id: "tu_a" }, { type: "text", text: "next" }] },
    ]);
  });
});
