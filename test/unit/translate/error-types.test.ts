import { describe, expect, it } from "vitest";
import { ApiError, errorBody } from "../../../runtime/errors";
import { parseUpstreamError, renderErrorBody } from "../../../runtime/translate";
import { ERROR_TYPES, errorTypeForStatus, openAIErrorType } from "../../../runtime/translate/error-types";

describe("the one error-type table", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [402, "billing_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [408, "timeout_error"],
    [409, "invalid_request_error"], // Gatehouse's own conflict_error is never an upstream's
    [413, "request_too_large"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [502, "api_error"],
    [503, "overloaded_error"],
    [504, "timeout_error"],
    [529, "overloaded_error"],
    [418, "invalid_request_error"],
  ])("an upstream's HTTP %i is %s", (status, type) => {
    expect(errorTypeForStatus(status)).toBe(type);
  });

  it("Gatehouse's own errors and translated upstream errors name a type the same way in the OpenAI shape", () => {
    const own = errorBody(new ApiError("upstream", "no provider"), "openai") as { error: { type: string; code: string } };
    const translated = JSON.parse(renderErrorBody("openai", parseUpstreamError("anthropic", 502, "{}"))) as { error: { type: string; code: string } };
    expect(own.error).toMatchObject({ type: "server_error", code: "api_error" });
    expect(translated.error).toMatchObject({ type: own.error.type, code: own.error.code });
  });

  it("every row's status is the status an ApiError of that type answers with", () => {
    expect(new ApiError("rate_limited", "slow").status).toBe(ERROR_TYPES.rate_limit_error.status);
    expect(new ApiError("cap_exceeded", "cap").status).toBe(402);
    expect(new ApiError("upstream", "down").status).toBe(502); // a gateway's failure, not the upstream's 500
  });

  it("a type outside the table is rendered as it came", () => {
    expect(openAIErrorType("some_vendor_error")).toBe("some_vendor_error");
    expect(openAIErrorType("rate_limit_error")).toBe("rate_limit_exceeded");
  });
});
