import { describe, expect, it } from "vitest";
import { isJsonContentType } from "../../../runtime/http/content-type";

describe("isJsonContentType", () => {
  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", " application/json ", "application/vnd.api+json", "application/problem+json; x=1"])(
    "accepts %j",
    (header) => expect(isJsonContentType(header)).toBe(true),
  );

  it.each([null, "", "text/plain", "text/json", "application/jsonx", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/+json", "application/json/x", "json", "application/xml"])(
    "refuses %j",
    (header) => expect(isJsonContentType(header)).toBe(false),
  );
});
