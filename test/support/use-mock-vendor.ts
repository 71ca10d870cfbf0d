// One local mock vendor (mock-vendor.ts) for a test file: started before its first test, reset
// before each, closed after the last. The returned object stands for the running vendor, so a
// file writes `const vendor = useMockVendor()` and uses it like the vendor itself.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startMockVendor, type MockVendor } from "./mock-vendor";

export function useMockVendor(): MockVendor {
  let current: MockVendor | undefined;
  beforeAll(async () => {
    current = await startMockVendor();
  });
  afterAll(() => current?.close());
  beforeEach(() => current?.reset());
  const running = (): MockVendor => {
    if (current === undefined) throw new Error("the mock vendor runs only inside tests (useMockVendor starts it in beforeAll)");
    return current;
  };
  return new Proxy({} as MockVendor, {
    get(_, key) {
      const vendor = running();
      const value: unknown = Reflect.get(vendor, key);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(vendor) : value;
    },
  });
}
