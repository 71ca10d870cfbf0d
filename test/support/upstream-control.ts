// Scripting the local upstream over HTTP, for code that runs in another process than the
// server (workerd tests, when upstream-server.ts was started in a vitest globalSetup).
// fetch only, no node imports.
import type { RecordedCall, Scenario } from "./upstream-server";

export interface UpstreamControl {
  enqueue(...scenarios: Scenario[]): Promise<void>;
  /** A static default reply; no argument restores the built-in one. */
  setDefault(reply?: Scenario): Promise<void>;
  reset(): Promise<void>;
  calls(): Promise<RecordedCall[]>;
}

export function upstreamControl(baseUrl: string): UpstreamControl {
  const at = (action: string) => `${baseUrl.replace(/\/+$/, "")}/__upstream/${action}`;
  const post = async (action: string, body: unknown = null) => {
    const res = await fetch(at(action), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`local upstream ${action}: HTTP ${res.status} ${await res.text()}`);
    await res.body?.cancel();
  };
  return {
    enqueue: (...scenarios) => post("enqueue", scenarios),
    setDefault: (reply) => post("default", reply ?? null),
    reset: () => post("reset"),
    calls: async () => (await (await fetch(at("calls"))).json()) as RecordedCall[],
  };
}
