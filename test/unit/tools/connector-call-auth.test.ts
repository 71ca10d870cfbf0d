// A manifest's inject list becomes exactly one executor auth mode, so the credential is only
// ever placed (and redacted) inside the executor; shapes no mode expresses are refused.
import { describe, expect, it } from "vitest";
import { connectorAuth, type CompiledConnectorAuth } from "../../../generated/connectors/requests";
import { ApiError } from "../../../runtime/errors";
import { authSpecOf } from "../../../runtime/tools/connector-call";

const f = (name: string) => ({ ref: "auth" as const, path: [name] });
const auth = (inject: CompiledConnectorAuth["inject"]): CompiledConnectorAuth => ({ mode: "x", base_url: ["https://v.example"], headers: [], inject });
const header = (name: string, value: CompiledConnectorAuth["inject"][number]["value"]) => ({ in: "header" as const, name, value, username: null, password: null });

describe("the three manifests", () => {
  it("github and stripe are bearer, linear sends its key bare in Authorization", () => {
    expect(authSpecOf("github", connectorAuth.github!)).toEqual({ mode: "bearer", field: "token" });
    expect(authSpecOf("stripe", connectorAuth.stripe!)).toEqual({ mode: "bearer", field: "secret_key" });
    expect(authSpecOf("linear", connectorAuth.linear!)).toEqual({ mode: "api_key", header: "Authorization", field: "api_key", prefix: "" });
  });
});

describe("other inject shapes", () => {
  it("prefixed header → api_key with that prefix (e.g. Discord's Bot)", () => {
    expect(authSpecOf("d", auth([header("Authorization", ["Bot ", f("token")])]))).toEqual({ mode: "api_key", header: "Authorization", field: "token", prefix: "Bot " });
  });

  it("several bare headers → api_key_multi_header; bare query params → api_key_query", () => {
    expect(authSpecOf("dd", auth([header("DD-API-KEY", [f("api")]), header("DD-APPLICATION-KEY", [f("app")])]))).toEqual({ mode: "api_key_multi_header", headers: { "DD-API-KEY": "api", "DD-APPLICATION-KEY": "app" } });
    const q = (name: string, field: string) => ({ in: "query" as const, name, value: [f(field)], username: null, password: null });
    expect(authSpecOf("trello", auth([q("key", "key"), q("token", "token")]))).toEqual({ mode: "api_key_query", params: { key: "key", token: "token" } });
  });

  it("basic with two fields → basic; no inject → none", () => {
    expect(authSpecOf("b", auth([{ in: "basic", name: null, value: null, username: [f("user")], password: [f("pass")] }]))).toEqual({ mode: "basic", username_field: "user", password_field: "pass" });
    expect(authSpecOf("n", auth([]))).toEqual({ mode: "none" });
  });

  it.each([
    ["text after the field", [header("Authorization", [f("token"), ":x"])]],
    ["a basic username that is literal text", [{ in: "basic" as const, name: null, value: null, username: ["api"], password: [f("key")] }]],
    ["a prefixed value among several headers", [header("A", ["k=", f("a")]), header("B", [f("b")])]],
  ])("%s is refused naming the connector, not approximated", (_, inject) => {
    expect(() => authSpecOf("odd", auth(inject))).toThrow(ApiError);
    expect(() => authSpecOf("odd", auth(inject))).toThrow(/connector odd: its auth inject list/);
  });
});
