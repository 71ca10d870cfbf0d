import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_TEXT, messageText } from "../../../runtime/search/message-text";

describe("messageText", () => {
  it("takes text, tool calls' names and input values, tool results and document titles", () => {
    const content = [
      { type: "text", text: "Find the Q3 invoice" },
      { type: "thinking", thinking: "secret reasoning", signature: "sig" },
      { type: "redacted_thinking", data: "xxx" },
      { type: "tool_use", id: "t1", name: "linear/create_issue", input: { title: "Broken login", labels: ["bug", "auth"], priority: 2, nested: { note: "SSO only" } } },
      { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "Issue ENG-42 created" }, { type: "image", source: {} }] },
      { type: "tool_result", tool_use_id: "t2", content: "plain result" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo" } },
      { type: "document", title: "Q3 report.pdf", source: { type: "base64", data: "JVBERi0" } },
    ];
    const text = messageText(content);
    expect(text.split("\n")).toEqual(["Find the Q3 invoice", "linear/create_issue", "Broken login", "bug", "auth", "2", "SSO only", "Issue ENG-42 created", "plain result", "Q3 report.pdf"]);
    expect(text).not.toContain("secret reasoning");
    expect(text).not.toContain("title"); // input keys are schema, not content
  });

  it("takes a plain string; ignores junk; is bounded; strips the snippet markers", () => {
    expect(messageText("hello")).toBe("hello");
    expect(messageText([null, 3, { type: "unknown", text: "x" }, { type: "text" }])).toBe("");
    expect(messageText({ not: "an array" })).toBe("");
    expect(messageText("a".repeat(MAX_MESSAGE_TEXT + 10))).toHaveLength(MAX_MESSAGE_TEXT);
    expect(messageText("a\uE000b\uE001c")).toBe("abc");
  });
});
