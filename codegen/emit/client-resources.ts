import type { DeclaredOperation } from "../load/compile-spec";
import type { Operation } from "../load/operations";

// The SDK's resource-grouped names (`gh.keys.create`, `gh.threads.messages.list`, …), derived
// from where each operation is declared in spec/: the static segments of its interface's
// @route are the resource path, its TypeSpec name is the method. Three rules tidy the result
// (each keeps the spec as the only source of names):
// - a sub-resource in the operation's own route whose name the method ends with:
//   `ThreadsApi.listMessages` at `/v1/threads/{id}/messages` → `threads.messages.list` (below
//   an item only: `ThreadsApi.deleteEmpty` at `/v1/threads/empty` stays `threads.deleteEmpty`);
// - a method that repeats its resource, singular or plural: `AdminApi.createTenant` at
//   `/v1/admin/tenants` → `admin.tenants.create`;
// - a last segment that starts with the method is the method itself: `CountTokensApi.count`
//   at `/v1/messages/count_tokens` → `messages.countTokens`, `SearchApi.search` at `/v1/search`
//   → `search`.

/** Where an operation sits in the client: `resource` (camelCase segments, [] for the client itself) and `method`. */
export interface ResourceName {
  resource: string[];
  method: string;
}

const camel = (segment: string) => segment.replace(/[-_]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const pascal = (segment: string) => camel(segment).replace(/^./, (c) => c.toUpperCase());
const statics = (path: string) => path.split("/").filter((s) => s !== "" && s !== "v1" && !s.startsWith("{"));
const singular = (word: string) => word.replace(/s$/, "");

/**
 * The resource name of every operation in `ops`. Throws when one was not declared in an
 * interface, or when two operations (or a method and a sub-resource) would share a name.
 */
export function resourceNames(ops: Operation[], declared: ReadonlyMap<string, DeclaredOperation>): Map<string, ResourceName> {
  const out = new Map<string, ResourceName>();
  const taken = new Map<string, string>();
  for (const op of ops) {
    const d = declared.get(op.operationId);
    if (!d) throw new Error(`${op.operationId}: declare it inside an interface with a @route in spec/ (the SDK names its resource methods from the interface)`);
    const resource = statics(d.interfaceRoute).map(camel);
    let method = d.name;
    // The operation's own route: a sub-resource only below an item (`/{id}/messages`, not `/empty`).
    const ownPath = op.path.slice(d.interfaceRoute.length);
    const own = statics(ownPath).map(camel);
    const sub = own.at(-1);
    if (sub !== undefined && /^\/\{[^}]+\}\//.test(ownPath)) {
      for (const suffix of [pascal(sub), pascal(singular(sub))]) {
        if (method.length > suffix.length && method.endsWith(suffix)) {
          resource.push(...own);
          method = method.slice(0, -suffix.length);
          break;
        }
      }
    }
    const last = resource.at(-1);
    if (last !== undefined) {
      const suffix = [pascal(last), pascal(singular(last))].find((s) => method.length > s.length && method.endsWith(s));
      if (suffix) method = method.slice(0, -suffix.length);
      else if (last.startsWith(method)) {
        resource.pop();
        method = last;
      }
    }
    const key = [...resource, method].join(".");
    const other = taken.get(key);
    if (other) throw new Error(`${op.operationId} and ${other} would both be the SDK method ${key}; rename one operation in spec/`);
    taken.set(key, op.operationId);
    out.set(op.operationId, { resource, method });
  }
  for (const [key, id] of taken) {
    const prefix = `${key}.`;
    const child = [...taken.keys()].find((k) => k.startsWith(prefix));
    if (child) throw new Error(`${id} is the SDK method ${key}, which is also a resource (${child}); rename one operation in spec/`);
  }
  return out;
}
