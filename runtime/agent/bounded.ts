// Map over a list with at most `limit` calls in flight, results in the list's order: the agent
// runs a round's tool calls (and one qlaud_multi_execute's calls) this way, so ten calls of a
// slow vendor neither run one by one nor open ten connections at once.
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.floor(limit)), items.length) }, worker));
  return out;
}
