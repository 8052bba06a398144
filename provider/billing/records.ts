import { coalescedLookup, listSnapshot } from "../core/coalesce";

/**
 * Coalesced reads of one kind of billing record (homes, switches). The billing's list procedures
 * answer everything in one call when their ID argument is NULL (CLN_HOME_LIST, CLN_SWITCH_LIST: no
 * paging), or one record by ID. Reads that arrive together (a refresh's `--parallel` Reads) are
 * answered from one whole list, shared while it is fresh; a small batch with no fresh list (a
 * create's read-back, a lone refresh) asks by ID instead, so it never downloads a 10,000-row list
 * for one record. Every write through the client forgets the list, so a read-back sees its write.
 */
export interface RecordReader<T> {
  /** The record with this ID, or undefined when there is none. */
  get(id: number): Promise<T | undefined>;
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
  /**
   * Batches of at most this many IDs, with no fresh list at hand, ask by ID; larger ones fetch the
   * whole list. See `SMALL_BATCH` in client.ts for the measurement behind the figure.
   */
  smallBatch: number;
  /** How long a whole list answers later reads. Default 3 s (a refresh wave's reads arrive within it). */
  maxAgeMs?: number;
  now?: () => number;
}

export function recordReader<T>(options: RecordReaderOptions<T>): RecordReader<T> {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 3000;
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
  const byId = (rows: readonly T[]) => {
    const map = new Map<number, T>();
    for (const row of rows) {
      const id = options.idOf(row);
      if (id !== undefined) map.set(id, row);
    }
    return map;
  };
  const lookup = coalescedLookup<number, T>({
    async batch(ids) {
      if (ids.length > options.smallBatch || listAtHand()) return byId(await snapshot.get());
      const answers = await Promise.all(ids.map(async (id) => (await options.one(id)).find((row) => options.idOf(row) === id)));
      return new Map(ids.map((id, i) => [id, answers[i]]));
    },
  });
  return {
    get: (id) => lookup.load(id),
    all: () => snapshot.get(),
    invalidate() {
      generation++;
      arrived = undefined;
      snapshot.invalidate();
    },
  };
}
