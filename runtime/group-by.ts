/** Items grouped by a key, each group in the items' order (`value` picks what a group holds). */
export function groupBy<T, K, V = T>(items: Iterable<T>, key: (item: T) => K, value: (item: T) => V = (item) => item as unknown as V): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(value(item));
    else out.set(k, [value(item)]);
  }
  return out;
}
