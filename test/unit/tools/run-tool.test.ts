// A tool call validates before it builds or sends: bad arguments reach the model as an
// actionable error and never reach the vendor.
import { expect, it } from "vitest";
import { tool_github__create_issue } from "../../../generated/connectors/github.validators.js";
import { runTool } from "../../../runtime/tools/run-tool";
import { useMockVendor } from "../../support/use-mock-vendor";

const vendor = useMockVendor();

interface CreateIssue { owner: string; repo: string; title: string }
const tool = {
  validate: tool_github__create_issue,
  build: (i: CreateIssue) => ({
    method: "POST" as const,
    url: `${vendor.url}/repos/${encodeURIComponent(i.owner)}/${encodeURIComponent(i.repo)}/issues`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: i.title }),
  }),
};
const opts = () => ({ baseUrl: vendor.url, auth: { mode: "bearer" as const, field: "token" }, credential: { token: "ghp_x1y2z3" }, connectionId: "c", select: "html_url" });

it("invalid arguments: an error naming the field, nothing sent", async () => {
  const out = await runTool(tool, { owner: "o", title: "t" }, opts());
  expect(out).toMatchObject({ ok: false, kind: "invalid_input", status: 400, message: "Invalid arguments: repo is required. Fix the arguments and call the tool again." });
  expect(vendor.requests).toHaveLength(0);
});

it("valid arguments: built, sent with the credential, trimmed", async () => {
  vendor.script("/repos/o/r/issues", { status: 201, body: { html_url: "https://github.com/o/r/issues/1", id: 1 } });
  const out = await runTool(tool, { owner: "o", repo: "r", title: "t" }, opts());
  expect(out).toEqual({ ok: true, status: 201, content: "https://github.com/o/r/issues/1", truncated: false });
  expect(vendor.requests[0]).toMatchObject({ method: "POST", body: '{"title":"t"}', headers: { authorization: "Bearer ghp_x1y2z3" } });
});
