/** What `fn` throws; fails the test when it returns instead ("not refused"). */
export function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("not refused");
}
