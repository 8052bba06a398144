import DataLoader from "dataloader";

/**
 * Coalesced reads. During a `pulumi refresh` (or `up --refresh`, or many creates' read-backs) the
 * engine sends up to `--parallel` Reads at once, all served by the one provider process. Instead of
 * one vendor call per object, reads that arrive together are answered through the vendor's list or
 * multi-identifier endpoints. A vendor client declares, per kind of object, how a batch of keys is
 * answered ({@link coalescedLookup}); for endpoints that return a whole list it can also reuse the
 * list for reads that arrive while it is fresh ({@link listSnapshot}).
 *
 * A key missing from a batch's answer is an object that is gone, never another object's record:
 * batch functions must match records to keys exactly (by id), not by position.
 */

export interface CoalescedLookupOptions<K, V> {
  /**
   * Answers many keys with as few vendor calls as the API allows. A key missing from the map (or
   * mapped to undefined) does not exist. Errors reject every load of the batch.
   */
  batch(keys: readonly K[]): Promise<ReadonlyMap<K, V | undefined>>;
  /** Most keys in one batch (a page size, a URL length). Default: no limit. */
  maxBatchSize?: number;
  /**
   * How long a load waits for others to join its batch. The engine's parallel Reads arrive within
   * a few milliseconds of each other; waiting longer only adds latency. Default 10 ms.
   */
  windowMs?: number;
  /**
   * Optional: close a batch as soon as no load has joined it for this long, but never later than
   * `windowMs` after its first load. For reads that arrive spread out (a wave of gRPC calls on a
   * busy host): a long `windowMs` keeps the wave together without making a lone read wait for it.
   */
  idleMs?: number;
  /**
   * Optional (with `idleMs`): hold a batch while the previous one is still being answered (but no
   * longer than `windowMs` after its first load), so reads that the answer releases join it instead
   * of forming a batch of their own. Keeps a wave of parallel reads in one call once it has split.
   */
  afterPrevious?: boolean;
}

export interface CoalescedLookup<K, V> {
  /** The object with this key, or undefined when it does not exist. */
  load(key: K): Promise<V | undefined>;
}

/** Loads by key through batches (dataloader: one batch per window, no caching between batches). */
export function coalescedLookup<K, V>(options: CoalescedLookupOptions<K, V>): CoalescedLookup<K, V> {
  const windowMs = options.windowMs ?? 10;
  const idleMs = options.idleMs;
  let lastLoad = 0;
  let lastAnswer = 0;
  let inFlight = 0;
  const schedule = (run: () => void) => {
    if (idleMs === undefined) {
      setTimeout(run, windowMs);
      return;
    }
    const first = Date.now();
    const tick = () => {
      const now = Date.now();
      // Quiet: no load joined lately — nor, when holding for the previous batch, did its answer
      // release reads that have yet to arrive.
      const idle = Math.min(now - lastLoad, options.afterPrevious === true ? now - lastAnswer : Infinity);
      const waited = now - first;
      const held = options.afterPrevious === true && inFlight > 0;
      if ((idle >= idleMs && !held) || waited >= windowMs) run();
      else setTimeout(tick, Math.max(1, Math.min(held ? 5 : idleMs - idle, windowMs - waited)));
    };
    setTimeout(tick, idleMs);
  };
  const loader = new DataLoader<K, V | undefined>(
    async (keys) => {
      inFlight++;
      try {
        const found = await options.batch(keys);
        return keys.map((k) => found.get(k));
      } finally {
        inFlight--;
        lastAnswer = Date.now();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? Infinity,
      batchScheduleFn: schedule,
    },
  );
  return {
    load: (key) => {
      lastLoad = Date.now();
      return loader.load(key);
    },
  };
}

export interface ListSnapshotOptions<T> {
  /** Fetches the whole list (every page). */
  fetch(): Promise<T[]>;
  /**
   * How long a fetched list answers later reads. Reads arriving while a fetch is in flight always
   * wait for it. Keep it short: a refresh's reads arrive within a second or two of each other.
   * Default 2000 ms.
   */
  maxAgeMs?: number;
  /**
   * Optional: a list also stays fresh while reads keep arriving, each within `maxAgeMs` of the
   * previous one, up to this long after it was fetched. A refresh of thousands of objects on a busy
   * host spreads its reads over tens of seconds; without this the list is fetched again every
   * `maxAgeMs` of it. A read that asks for a fresher list (`get({ maxAgeMs })`) never uses it.
   */
  keepAliveWhileReadMs?: number;
  now?: () => number;
}

export interface ListSnapshot<T> {
  /**
   * The list, fetched now or reused while fresh. `maxAgeMs` overrides the snapshot's for this read
   * (0: a list fetched for this read or still in flight, never one that completed earlier — for a
   * look-up that must not miss a recent change, such as the "who has this key before my create").
   * A list fetched this way serves the later reads too.
   */
  get(options?: { maxAgeMs?: number }): Promise<T[]>;
  /** Forgets the list; the client calls it after every write it makes, so a read never misses it. */
  invalidate(): void;
}

/**
 * One vendor list shared by the reads that arrive together. A write through the same client
 * invalidates it, so a create's own read-back always sees the object it made. Writes made by
 * others in between are seen by the next fetch, as they would be by the next refresh.
 */
export function listSnapshot<T>(options: ListSnapshotOptions<T>): ListSnapshot<T> {
  const maxAgeMs = options.maxAgeMs ?? 2000;
  const keepAlive = options.keepAliveWhileReadMs ?? 0;
  const now = options.now ?? Date.now;
  let current: { at: number; list: Promise<T[]>; generation: number } | undefined;
  let generation = 0;
  let lastRead = -Infinity;
  return {
    get(read) {
      const override = read?.maxAgeMs;
      const t = now();
      const sinceRead = t - lastRead;
      lastRead = t;
      const fresh = (at: number) => {
        if (at === Infinity) return true;
        if (override !== undefined) return override > 0 && t - at <= override;
        return t - at <= maxAgeMs || (sinceRead <= maxAgeMs && t - at <= keepAlive);
      };
      if (current && current.generation === generation && fresh(current.at)) return current.list;
      const mine = generation;
      const entry = { at: Infinity, generation: mine, list: options.fetch() };
      current = entry;
      entry.list.then(
        () => {
          if (current === entry) entry.at = now();
        },
        () => {
          if (current === entry) current = undefined;
        },
      );
      return entry.list;
    },
    invalidate() {
      generation++;
      current = undefined;
    },
  };
}
