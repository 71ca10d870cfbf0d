// The SDK's resource-grouped names come from where spec/ declares each operation (its
// interface's route and its TypeSpec name): the whole table for today's spec, and the rules
// on made-up declarations (sub-resources below an item, a method repeating its resource, a
// last segment that is the method, clashes refused).
import { describe, expect, it } from "vitest";
import { resourceNames } from "../../codegen/emit/client-resources";
import type { DeclaredOperation } from "../../codegen/load/compile-spec";
import type { Operation } from "../../codegen/load/operations";
import { Gatehouse } from "../../generated/client/index";

const op = (operationId: string, method: Operation["method"], path: string): Operation => ({
  operationId,
  method,
  path,
  routerPath: path,
  auth: "master",
  surface: "gatehouse",
  summary: operationId,
  bodyRequired: false,
  query: [],
  pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
  streams: false,
  page: false,
});

function names(rows: [string, Operation["method"], string, string, string][]): Record<string, string> {
  const ops = rows.map(([id, method, path]) => op(id, method, path));
  const declared = new Map<string, DeclaredOperation>(rows.map(([id, , , interfaceRoute, name]) => [id, { interfaceRoute, name }]));
  return Object.fromEntries([...resourceNames(ops, declared)].map(([id, n]) => [id, [...n.resource, n.method].join(".")]));
}

describe("resource names", () => {
  it("follow the interface route and the operation's TypeSpec name", () => {
    expect(
      names([
        ["createKey", "POST", "/v1/keys", "/v1/keys", "create"],
        ["revokeKey", "DELETE", "/v1/keys/{id}", "/v1/keys", "revoke"],
        ["getKeyUsage", "GET", "/v1/keys/{id}/usage", "/v1/keys/{id}/usage", "get"],
        ["createChatCompletion", "POST", "/v1/chat/completions", "/v1/chat/completions", "create"],
        ["eraseEndUser", "DELETE", "/v1/end-users/{end_user_id}", "/v1/end-users", "erase"],
      ]),
    ).toEqual({ createKey: "keys.create", revokeKey: "keys.revoke", getKeyUsage: "keys.usage.get", createChatCompletion: "chat.completions.create", eraseEndUser: "endUsers.erase" });
  });

  it("tidy three patterns: a sub-resource below an item, a method repeating its resource, a segment that is the method", () => {
    expect(
      names([
        ["listThreadMessages", "GET", "/v1/threads/{id}/messages", "/v1/threads", "listMessages"],
        ["createThreadMessage", "POST", "/v1/threads/{id}/messages", "/v1/threads", "createMessage"],
        ["deleteEmptyThreads", "DELETE", "/v1/threads/empty", "/v1/threads", "deleteEmpty"],
        ["adminCreateTenant", "POST", "/v1/admin/tenants", "/v1/admin/tenants", "createTenant"],
        ["countMessageTokens", "POST", "/v1/messages/count_tokens", "/v1/messages/count_tokens", "count"],
        ["searchMessages", "GET", "/v1/search", "/v1/search", "search"],
      ]),
    ).toEqual({
      listThreadMessages: "threads.messages.list",
      createThreadMessage: "threads.messages.create",
      deleteEmptyThreads: "threads.deleteEmpty",
      adminCreateTenant: "admin.tenants.create",
      countMessageTokens: "messages.countTokens",
      searchMessages: "search",
    });
  });

  it("refuse two operations with one name, a name that is also a resource, and an operation outside an interface", () => {
    expect(() =>
      names([
        ["a", "GET", "/v1/keys", "/v1/keys", "list"],
        ["b", "GET", "/v1/keys/all", "/v1/keys", "list"],
      ]),
    ).toThrow(/b and a would both be the SDK method keys\.list/);
    expect(() =>
      names([
        ["a", "GET", "/v1/keys/usage", "/v1/keys", "usage"],
        ["b", "GET", "/v1/keys/usage/x", "/v1/keys/usage", "get"],
      ]),
    ).toThrow(/keys\.usage, which is also a resource/);
    expect(() => resourceNames([op("lonely", "GET", "/v1/x")], new Map())).toThrow(/lonely: declare it inside an interface/);
  });

  it("the generated client has the resources of today's spec, the operationId methods beside them", () => {
    const gh = new Gatehouse({ baseURL: "http://127.0.0.1:1" });
    const fns = (o: object) => Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((n) => n !== "constructor").sort();
    expect(fns(gh.keys)).toEqual(["create", "list", "revoke", "update"]);
    expect(fns(gh.keys.usage)).toEqual(["get"]);
    expect(fns(gh.messages)).toEqual(["countTokens", "create", "stream"]);
    expect(fns(gh.chat.completions)).toEqual(["create", "stream"]);
    expect(fns(gh.responses)).toEqual(["create", "stream"]);
    expect(fns(gh.threads)).toEqual(["create", "delete", "deleteEmpty", "get", "list", "update"]);
    expect(fns(gh.threads.messages)).toEqual(["create", "list", "stream"]);
    expect(fns(gh.tools)).toEqual(["create", "delete", "execute", "list", "schemas", "search"]);
    expect(fns(gh.connections)).toEqual(["create", "delete", "list"]);
    expect(fns(gh.wallet)).toEqual(["get", "ledger"]);
    expect(typeof gh.search).toBe("function");
    expect(typeof gh.createKey).toBe("function");
    expect(typeof gh.listThreadsAutoPaging).toBe("function");
  });
});
