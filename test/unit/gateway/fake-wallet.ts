// A Wallet namespace over the real Ledger and an in-memory store, for driving the gateway's
// money path (leases.ts) in-process: every settled draw is kept for the test to read.
import { Ledger } from "../../../runtime/wallet/ledger";
import { MemoryLedgerStore } from "../../../runtime/wallet/memory-store";
import type { LeaseDraw } from "../../../runtime/wallet/types";

const TTL = 600_000;

export class FakeWallet {
  readonly ledger = new Ledger(new MemoryLedgerStore());
  readonly draws: LeaseDraw[] = [];
  async leaseGrow(leaseId: string, keyId: string, worst: number, room: number, want: number) {
    return this.ledger.leaseGrow(leaseId, keyId, worst, room, want, Date.now(), TTL);
  }
  async leaseSettle(leaseId: string, seq: number, draws: LeaseDraw[], inflight: number, close: boolean) {
    const res = this.ledger.leaseSettle(leaseId, seq, draws, inflight, close, Date.now(), TTL);
    if (res.ok && res.applied) this.draws.push(...draws);
    return res;
  }
  /** An Env whose WALLET binding is this wallet. */
  env(vars: Record<string, string> = {}): Env {
    return { ...vars, WALLET: { idFromName: (n: string) => n, get: () => this } } as unknown as Env;
  }
}
