import { coalescedLookup, listSnapshot } from "../core/coalesce";

/**
 * Reads of one kind of billing record (homes, switches). The billing's list procedures answer
 * everything in one call when their ID argument is NULL (CLN_HOME_LIST, CLN_SWITCH_LIST: no paging),
 * or one record by ID.
 *
 * - {@link RecordReader.get} is for refresh (and import) reads, which the engine sends `--parallel`
 *   at a time: reads that arrive together are answered from one whole list, which then answers the
 *   rest of the wave while it is fresh (30 s); a lone read with no list at hand asks by ID. A record
 *   missing from a list is asked for by ID before it is reported gone, so a list a few seconds old
 *   never makes a live object look deleted.
 * - {@link RecordReader.fresh} is for what a write builds on or reads back: always by ID, now —
 *   never a list (a create's read-back must not download a 10,000-row directory, and a burst of
 *   creates must not list it once each).
 * - Every write through the client forgets the list ({@link RecordReader.invalidate}).
 */
export interface RecordReader<T> {
  /** The record with this ID, or undefined when there is none (coalesced; see above). */
  get(id: number): Promise<T | undefined>;
  /** The record with this ID as the billing has it now (one call by ID). */
  fresh(id: number): Promise<T | undefined>;
  /** Every record: one list call shared by the reads that arrive together. */
  all(): Promise<T[]>;
  /** Forgets the shared list (after every write). */
  invalidate(): void;
}

export interface RecordReaderOptions<T> {
  /** The record's ID as the row holds it; undefined for a row without one (never matched). */
  idOf(row: T): number | undefined;
  /** The list call for one ID (its answer is filtered by ID again: a neighbour is never taken for ours). */
  one(id: number): Promise<T[]>;
  /** The list call for everything. */
  all(): Promise<T[]>;
  /** How long a whole list answers later reads. Default 30 s: a refresh wave of thousands of objects. */
  maxAgeMs?: number;
  now?: () => number;
}

export function recordReader<T>(options: RecordReaderOptions<T>): RecordReader<T> {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  // listSnapshot knows whether its list is fresh but does not say; this mirrors it (the generation
  // of the list being fetched, and when the current one arrived) to choose per batch.
  let generation = 0;
  let fetching: number | undefined;
  let arrived: { generation: number; at: number } | undefined;
  const snapshot = listSnapshot<T>({
    maxAgeMs,
    now,
    fetch: async () => {
      const mine = generation;
      fetching = mine;
      try {
        const rows = await options.all();
        if (mine === generation) arrived = { generation: mine, at: now() };
        return rows;
      } finally {
        if (fetching === mine) fetching = undefined;
      }
    },
  });
  const listAtHand = () => fetching === generation || (arrived !== undefined && arrived.generation === generation && now() - arrived.at <= maxAgeMs);
  const fresh = async (id: number) => (await options.one(id)).find((row) => options.idOf(row) === id);
  const lookup = coalescedLookup<number, T>({
    async batch(ids) {
      if (ids.length === 1 && !listAtHand()) return new Map([[ids[0]!, await fresh(ids[0]!)]]);
      const found = new Map<number, T | undefined>();
      for (const row of await snapshot.get()) {
        const id = options.idOf(row);
        if (id !== undefined) found.set(id, row);
      }
      // Not in the list: gone, or made after the list was fetched. Asked by ID (rare: a deleted object).
      const missing = ids.filter((id) => !found.has(id));
      const late = await Promise.all(missing.map(fresh));
      missing.forEach((id, i) => found.set(id, late[i]));
      return found;
    },
  });
  return {
    get: (id) => lookup.load(id),
    fresh,
    all: () => snapshot.get(),
    invalidate() {
      generation++;
      arrived = undefined;
      snapshot.invalidate();
    },
  };
}
