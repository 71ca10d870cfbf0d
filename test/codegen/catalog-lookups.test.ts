import { describe, expect, it } from "vitest";
import { aliases, providers } from "../../generated/providers/catalog";
import { resolveModel } from "../../runtime/gateway/resolve-model";
import { ApiError } from "../../runtime/errors";

// Model names come from requests. A lookup table with Object.prototype behind it answers
// "constructor", "__proto__" or "toString" with a function or an object, and the gateway
// then failed with a 500 ("targets is not iterable"). The generated tables have no prototype.
const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];

describe("the generated provider catalog's lookup tables", () => {
  it("have no prototype, so Object.prototype's members are not entries", () => {
    for (const table of [providers, aliases, ...Object.values(providers).map((p) => p.models)]) {
      expect(Object.getPrototypeOf(table)).toBeNull();
      for (const name of PROTOTYPE_NAMES) expect(table[name], name).toBeUndefined();
    }
  });

  it("still hold every provider, model and alias", () => {
    expect(providers.mock?.models.echo?.id).toBe("echo");
    expect(Object.keys(aliases).length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(providers)).mock.id).toBe("mock");
  });
});

describe("resolveModel with names that are Object.prototype members", () => {
  const names = [...PROTOTYPE_NAMES, "mock/__proto__", "mock/constructor", "__proto__/echo", "constructor/echo", "mock/toString"];
  it.each(names)("%s is a 404 model not found", (name) => {
    let thrown: unknown;
    try {
      resolveModel(name);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(404);
    expect((thrown as ApiError).message).toMatch(/not found/);
  });

  it("a 100 KB model name is a 404 whose message does not echo it whole", () => {
    const name = `mock/${"x".repeat(100_000)}`;
    expect(() => resolveModel(name)).toThrow(ApiError);
    try {
      resolveModel(name);
    } catch (e) {
      expect((e as ApiError).message.length).toBeLessThan(400);
      expect((e as ApiError).message).toContain("mock/xxxx");
    }
  });

  it("resolves real names as before", () => {
    expect(resolveModel("mock/echo").map((c) => `${c.provider.id}/${c.model}`)).toEqual(["mock/echo"]);
  });
});
