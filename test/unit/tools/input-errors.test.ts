// Invalid tool arguments come back as one message a model can act on, from the real
// generated Ajv validators (generated/connectors/<id>.validators.js).
import { describe, expect, it } from "vitest";
import { tool_github__create_issue } from "../../../generated/connectors/github.validators.js";
import { tool_stripe__list_invoices } from "../../../generated/connectors/stripe.validators.js";
import { checkInput } from "../../../runtime/tools/input-errors";

const createIssue = tool_github__create_issue;
const listInvoices = tool_stripe__list_invoices;

describe("input validation errors", () => {
  it("valid input passes", () => {
    expect(checkInput(createIssue, { owner: "o", repo: "r", title: "t" })).toBeNull();
  });

  it("names every missing field and says to call again", () => {
    const err = checkInput(createIssue, { owner: "o" });
    expect(err).toMatchObject({ ok: false, kind: "invalid_input", status: 400, retryable: false });
    expect(err!.message).toBe("Invalid arguments: repo is required; title is required. Fix the arguments and call the tool again.");
  });

  it("names the field and the expected type, down to array items", () => {
    expect(checkInput(createIssue, { owner: "o", repo: "r", title: 5 })!.message).toContain("title must be a string");
    expect(checkInput(createIssue, { owner: "o", repo: "r", title: "t", labels: ["ok", 3] })!.message).toContain("labels[1] must be a string");
    expect(checkInput(createIssue, "just text")!.message).toContain("the arguments must be an object");
  });

  it("unknown arguments, enums and bounds", () => {
    expect(checkInput(createIssue, { owner: "o", repo: "r", title: "t", colour: "red" })!.message).toContain("colour is not a known argument");
    expect(checkInput(listInvoices, { status: "late" })!.message).toContain('status must be one of "draft", "open", "paid", "uncollectible", "void"');
    expect(checkInput(listInvoices, { limit: 500 })!.message).toContain("limit must be <= 100");
  });
});
