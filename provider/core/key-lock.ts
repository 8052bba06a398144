/**
 * Runs work for the same key one at a time within the provider process. The engine applies
 * resources in parallel; two creates that claim the same natural key (a contract number, a login)
 * must not both pass a "does it exist yet?" lookup before either has created anything.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
