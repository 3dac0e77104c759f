/**
 * Runs `fn` over `items` with at most `limit` calls in flight, and resolves with the results in
 * the order of `items` (not of completion). Rejects with the first rejection, like `Promise.all`;
 * callers that want every outcome catch inside `fn`. A `limit` below 1 is treated as 1.
 */
export async function mapBounded<T, R>(items: ReadonlyArray<T>, limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
