// One test per transition of a lease's state (runtime/gateway/lease-state.ts), named after it.
// leases.test.ts drives the same transitions end to end against the real Ledger.
import { describe, expect, it } from "vitest";
import {
  type KeyCheck,
  batchAnswered,
  batchCut,
  checkAge,
  closingConfirmed,
  closingCut,
  confirmedByBatch,
  confirmedByTopUp,
  drawQueued,
  emptyBudget,
  epochHeard,
  grantedByGrow,
  keyForgotten,
  noBatches,
  opened,
  refusedByGrow,
  refusedByTopUp,
  requestDrew,
  requestEnded,
  requestStarted,
  roomGranted,
  withCheck,
} from "../../../runtime/gateway/lease-state";

const unheard: KeyCheck = { kind: "unheard", generation: 0 };
const checked: KeyCheck = { kind: "checked", keyEpoch: 3, at: 1_000, generation: 2 };
const unchecked: KeyCheck = { kind: "unchecked", keyEpoch: 3, generation: 2 };
const draw = (id: string) => ({ request_id: id, reserved_micros: 10, actual_micros: 4, note: "" });

describe("phase", () => {
  it("opened: a new lease is open and has not heard from the Wallet", () => {
    expect(opened()).toEqual({ kind: "open", check: { kind: "unheard", generation: 0 } });
  });

  it("closingCut: open → closing (its closing batch is cut; nothing more is drawn)", () => {
    expect(closingCut(opened())).toEqual({ kind: "closing" });
  });

  it("closingConfirmed: closing → closed; an open lease stays open", () => {
    expect(closingConfirmed({ kind: "closing" })).toEqual({ kind: "closed" });
    expect(closingConfirmed(opened())).toEqual(opened());
  });

  it("withCheck: key-check transitions apply only while open (a closing lease is never spent from again)", () => {
    expect(withCheck(opened(), keyForgotten)).toEqual({ kind: "open", check: { kind: "unheard", generation: 1 } });
    expect(withCheck({ kind: "closing" }, keyForgotten)).toEqual({ kind: "closing" });
    expect(withCheck({ kind: "closed" }, (c) => epochHeard(c, 9))).toEqual({ kind: "closed" });
  });
});

describe("key check", () => {
  it("epochHeard: the first epoch heard is recorded (unheard → unchecked), no change counted", () => {
    expect(epochHeard(unheard, 4)).toEqual({ kind: "unchecked", keyEpoch: 4, generation: 0 });
  });

  it("epochHeard: a newer epoch (a revocation or cap cut elsewhere) → unchecked, a new generation", () => {
    expect(epochHeard(checked, 4)).toEqual({ kind: "unchecked", keyEpoch: 4, generation: 3 });
    expect(epochHeard(unchecked, 4)).toEqual({ kind: "unchecked", keyEpoch: 4, generation: 3 });
  });

  it("epochHeard: the same or an older epoch changes nothing", () => {
    expect(epochHeard(checked, 3)).toBe(checked);
    expect(epochHeard(checked, 1)).toBe(checked);
  });

  it("grantedByGrow: → checked now, the epoch taken as seen without a new generation (the grow was the check)", () => {
    expect(grantedByGrow(unheard, 5, 7_000)).toEqual({ kind: "checked", keyEpoch: 5, at: 7_000, generation: 0 });
    expect(grantedByGrow(unchecked, 9, 7_000)).toEqual({ kind: "checked", keyEpoch: 9, at: 7_000, generation: 2 });
  });

  it("refusedByGrow: the epoch is taken as seen; a checked lease keeps its check, others stay unchecked", () => {
    expect(refusedByGrow(checked, 5)).toEqual({ ...checked, keyEpoch: 5 });
    expect(refusedByGrow(unheard, 5)).toEqual({ kind: "unchecked", keyEpoch: 5, generation: 0 });
    expect(refusedByGrow(unchecked, 1)).toEqual(unchecked);
  });

  it("confirmedByTopUp: with no change since it was sent → checked at the later of the old check and its sending", () => {
    expect(confirmedByTopUp(unchecked, 2, 500)).toEqual({ kind: "checked", keyEpoch: 3, at: 500, generation: 2 });
    expect(confirmedByTopUp(checked, 2, 500)).toEqual(checked);
    expect(confirmedByTopUp(checked, 2, 1_500)).toEqual({ ...checked, at: 1_500 });
  });

  it("confirmedByTopUp: a change heard meanwhile (another generation) keeps the lease unchecked", () => {
    expect(confirmedByTopUp(unchecked, 1, 500)).toBe(unchecked);
    expect(confirmedByTopUp(unheard, 0, 500)).toBe(unheard);
  });

  it("refusedByTopUp: checked → unchecked (the next request asks itself), same generation", () => {
    expect(refusedByTopUp(checked)).toEqual({ kind: "unchecked", keyEpoch: 3, generation: 2 });
    expect(refusedByTopUp(unchecked)).toBe(unchecked);
  });

  it("confirmedByBatch: a batch's reply with no change since it was sent keeps a checked lease checked, later", () => {
    expect(confirmedByBatch(checked, 2, 1_800)).toEqual({ ...checked, at: 1_800 });
    expect(confirmedByBatch(checked, 2, 900)).toEqual(checked);
  });

  it("confirmedByBatch: never revives an unchecked lease, nor counts across a change", () => {
    expect(confirmedByBatch(unchecked, 2, 1_800)).toBe(unchecked);
    expect(confirmedByBatch(checked, 1, 1_800)).toBe(checked);
  });

  it("keyForgotten: the key changed in this isolate → unchecked, a new generation (unheard stays unheard)", () => {
    expect(keyForgotten(checked)).toEqual({ kind: "unchecked", keyEpoch: 3, generation: 3 });
    expect(keyForgotten(unheard)).toEqual({ kind: "unheard", generation: 1 });
  });

  it("checkAge: how old the last confirmation is; Infinity when there is none that counts", () => {
    expect(checkAge(checked, 1_060)).toBe(60);
    expect(checkAge(unchecked, 1_060)).toBe(Number.POSITIVE_INFINITY);
    expect(checkAge(unheard, 1_060)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("budget", () => {
  it("roomGranted: adds the grant (a shrink is negative) and notes a grant short of what was asked", () => {
    expect(roomGranted(emptyBudget(), 640, 640)).toEqual({ room: 640, inflight: 0, running: 0, starved: false });
    expect(roomGranted({ ...emptyBudget(), room: 100 }, -40, 640)).toEqual({ room: 60, inflight: 0, running: 0, starved: true });
  });

  it("requestDrew: the worst case moves from the room to in flight", () => {
    expect(requestDrew({ room: 100, inflight: 5, running: 1, starved: false }, 30)).toEqual({ room: 70, inflight: 35, running: 2, starved: false });
  });

  it("requestEnded: what it did not use goes back to the room; a charge above the worst case takes nothing more from it", () => {
    const running = { room: 70, inflight: 30, running: 1, starved: false };
    expect(requestEnded(running, 30, 12)).toEqual({ room: 88, inflight: 0, running: 0, starved: false });
    expect(requestEnded(running, 30, 45)).toEqual({ room: 70, inflight: 0, running: 0, starved: false });
  });
});

describe("batches", () => {
  it("requestStarted: marks the lease busy (it is not closed by the next batch)", () => {
    expect(requestStarted(noBatches()).busy).toBe(true);
  });

  it("drawQueued: an ended request's charge waits for the next cut", () => {
    expect(drawQueued(noBatches(), draw("r1")).draws).toEqual([draw("r1")]);
  });

  it("batchCut: the queued draws become the next numbered batch with what is in flight; busy resets", () => {
    const queued = drawQueued(requestStarted(noBatches()), draw("r1"));
    const cut = batchCut(queued, 25, false);
    expect(cut).toEqual({ seq: 1, draws: [], unsent: [{ seq: 1, draws: [draw("r1")], inflight: 25, close: false }], busy: false });
    expect(batchCut(cut, 0, true).unsent.map((b) => [b.seq, b.close])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it("batchAnswered: the oldest unsent batch is done; the numbering goes on", () => {
    const two = batchCut(batchCut(noBatches(), 0, false), 0, false);
    expect(batchAnswered(two)).toMatchObject({ seq: 2, unsent: [{ seq: 2 }] });
  });
});
