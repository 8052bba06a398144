import { coalescedLookup, type CoalescedLookup } from "../core/coalesce";
import { VendorApiError } from "../core/errors";

/**
 * Coalesced reads for Hik-Connect, where every request counts against 5 per second per account.
 *
 * Each kind of object can be read two ways: the whole list, a page of 500 at a time (`devices/get`,
 * `areas/get`, `areas/cameras/get`), or directly (`devicedetail/get` per device; `areadetail/get`
 * and `areas/cameras/get` by id, up to 500 ids a call). Which is cheaper depends on how many objects
 * the stack reads and how many the account has, and neither is known when a refresh starts (the
 * engine sends at most `--parallel` reads at a time, and a new provider process knows nothing).
 * So the directory plays the ski-rental game:
 *
 * - Page 1 is always read first (one call, the cost of any direct look-up): for an account with up
 *   to 500 objects it is the whole list, and it tells how many pages there are.
 * - Objects not on the pages read so far are "rented" (looked up directly) as long as the direct
 *   calls spent on this listing plus this batch's stay below the pages still unread; once they
 *   would not, the remaining pages are "bought" and every later read is answered from them.
 *   However the reads arrive, the calls are at most 1 + twice the cheaper of the two ways.
 * - An object missing from the complete list is confirmed by a direct look-up before it is
 *   reported gone (objects added or removed by others while the pages were read shift the pages,
 *   which can hide an object from a page read). Only an object that cannot be looked up directly
 *   (a device imported by id, whose serial number is not known yet) is gone on the list's word.
 *
 * A listing answers reads as long as they keep coming — each within
 * {@link PagedDirectoryOptions.idleMs} of the one before, as a refresh's reads do however long it
 * runs — for at most {@link PagedDirectoryOptions.maxAgeMs} after its first page arrived; it is
 * dropped at once by {@link PagedDirectory.invalidate}, which the client calls after each of its
 * own writes (so a read after a write never misses it).
 */
export interface PagedDirectoryOptions<K, R> {
  /** The objects' name in messages ("devices/get"). */
  operation: string;
  /** Records per page (the guide's maximum, 500). */
  pageSize: number;
  /** One page of the whole list (pageIndex from 1), with the total the answer states, if any. */
  fetchPage(pageIndex: number, pageSize: number): Promise<{ records: R[]; total?: number }>;
  /** The record's id. */
  idOf(record: R): string;
  /** The id a key asks for. */
  keyId(key: K): string;
  /** The direct look-up, when there is one. */
  direct?: {
    /** Whether this key can be looked up directly (a device needs its serial number). */
    canLookUp(key: K): boolean;
    /** The records of these keys, by key id; a key missing from the map (or undefined) does not exist. */
    lookUp(keys: readonly K[]): Promise<ReadonlyMap<string, R | undefined>>;
    /** Calls a direct look-up of n keys costs. */
    cost(n: number): number;
  };
  /**
   * A listing answers reads while each comes within this of the one before. Default 10 s: a
   * refresh's reads keep coming, but a loaded machine can pause a process for seconds.
   */
  idleMs?: number;
  /** ... and for at most this long after its first page arrived. Default 120 s. */
  maxAgeMs?: number;
  /** How long a read waits for others to join its batch. Default 10 ms. */
  windowMs?: number;
  now?: () => number;
}

/** The most pages a listing reads (500 × 10,000 objects): beyond, the server is not paging as documented. */
const MAX_PAGES = 10_000;

/** What the directory did, for tests and the docs' figures. */
export interface DirectoryStats {
  pagesRead: number;
  directCalls: number;
}

export class PagedDirectory<K, R> {
  private listing: Listing<R> | undefined;
  private generation = 0;
  private readonly loader: CoalescedLookup<K, R>;
  private readonly directLoader: CoalescedLookup<K, R> | undefined;
  readonly stats: DirectoryStats = { pagesRead: 0, directCalls: 0 };

  constructor(private readonly options: PagedDirectoryOptions<K, R>) {
    const windowMs = options.windowMs ?? 10;
    // Keys are compared by identity in a batch: the same id asked twice is answered once.
    this.loader = coalescedLookup<K, R>({ windowMs, batch: (keys) => this.resolve(keys) });
    const direct = options.direct;
    if (direct) {
      this.directLoader = coalescedLookup<K, R>({
        windowMs,
        maxBatchSize: options.pageSize,
        batch: async (keys) => this.byKey(keys, await this.lookUpDirectly(keys)),
      });
    }
  }

  /** The object with this key, or undefined when it does not exist (refresh, import). */
  load(key: K): Promise<R | undefined> {
    return this.loader.load(key);
  }

  /**
   * The object by its direct look-up only, batched with others asked at the same moment: for the
   * read-back after a write, where a listing would be stale or far too big.
   */
  loadDirect(key: K): Promise<R | undefined> {
    if (!this.directLoader) return this.load(key);
    return this.directLoader.load(key);
  }

  /** Forgets the listing; the client calls it after each of its writes. */
  invalidate(): void {
    this.generation++;
    this.listing = undefined;
  }

  private current(): Listing<R> {
    const now = (this.options.now ?? Date.now)();
    const maxAge = this.options.maxAgeMs ?? 120_000;
    const idle = this.options.idleMs ?? 10_000;
    const l = this.listing;
    const fresh = (x: Listing<R>) => x.firstAt === undefined || (now - x.firstAt <= maxAge && now - x.usedAt <= idle);
    if (l && !l.failed && l.generation === this.generation && fresh(l)) {
      l.usedAt = now;
      return l;
    }
    const next = new Listing<R>(this.generation, this.options, this.stats, this.options.now ?? Date.now);
    next.usedAt = now;
    this.listing = next;
    return next;
  }

  private async resolve(keys: readonly K[]): Promise<ReadonlyMap<K, R | undefined>> {
    const { direct } = this.options;
    const listing = this.current();
    await listing.first();
    let missing = keys.filter((k) => !listing.byId.has(this.options.keyId(k)));
    const answered = new Map<string, R | undefined>();
    if (missing.length > 0 && !listing.complete) {
      const needList = !direct || missing.some((k) => !direct.canLookUp(k));
      const cost = direct ? direct.cost(missing.length) : Infinity;
      if (needList || listing.directSpent + cost >= listing.remainingPages()) {
        await listing.all();
        missing = missing.filter((k) => !listing.byId.has(this.options.keyId(k)));
      } else {
        // Renting: cheaper than the pages still unread, so far. Direct answers are exact.
        listing.directSpent += cost;
        for (const [id, record] of await this.lookUpDirectly(missing)) answered.set(id, record);
        missing = [];
      }
    }
    // Not on the complete list: make sure before calling it gone.
    const confirmable = direct ? missing.filter((k) => direct.canLookUp(k)) : [];
    if (confirmable.length > 0) for (const [id, record] of await this.lookUpDirectly(confirmable)) answered.set(id, record);
    const out = new Map<K, R | undefined>();
    for (const k of keys) {
      const id = this.options.keyId(k);
      out.set(k, answered.has(id) ? answered.get(id) : listing.byId.get(id));
    }
    return out;
  }

  /**
   * Direct look-ups also feed the current listing (when one is in hand and nothing was written
   * since): a later read of the same object in this command gets the richer record for nothing —
   * an import's check and create read the same device, for one devicedetail/get.
   */
  private async lookUpDirectly(keys: readonly K[]): Promise<ReadonlyMap<string, R | undefined>> {
    const direct = this.options.direct!;
    this.stats.directCalls += direct.cost(keys.length);
    const generation = this.generation;
    const found = await direct.lookUp(keys);
    const listing = this.listing;
    if (listing && !listing.failed && listing.generation === generation && generation === this.generation) {
      for (const record of found.values()) if (record !== undefined) listing.byId.set(this.options.idOf(record), record);
    }
    return found;
  }

  private byKey(keys: readonly K[], found: ReadonlyMap<string, R | undefined>): Map<K, R | undefined> {
    return new Map(keys.map((k) => [k, found.get(this.options.keyId(k))]));
  }
}

/** The pages of one read of the whole list. */
class Listing<R> {
  readonly byId = new Map<string, R>();
  /** Direct look-up calls spent while this listing was incomplete. */
  directSpent = 0;
  failed = false;
  complete = false;
  /** When page 1 arrived. */
  firstAt: number | undefined;
  /** When a read last used this listing. */
  usedAt = 0;
  private total: number | undefined;
  /** The first page that came back short (the end of the list). */
  private end: number | undefined;
  private readonly pages = new Map<number, Promise<void>>();
  private firstPromise: Promise<void> | undefined;
  private allPromise: Promise<void> | undefined;

  constructor(
    readonly generation: number,
    private readonly options: PagedDirectoryOptions<unknown, R>,
    private readonly stats: DirectoryStats,
    private readonly now: () => number,
  ) {}

  first(): Promise<void> {
    this.firstPromise ??= this.page(1).then(() => {
      this.firstAt = this.now();
    });
    return this.firstPromise;
  }

  /** Pages not read yet, as far as the stated total tells (at least 1 while the end is not seen). */
  remainingPages(): number {
    if (this.complete) return 0;
    const stated = this.total !== undefined ? Math.ceil(this.total / this.options.pageSize) : 0;
    return Math.max(1, stated - this.pages.size);
  }

  /** Every page: those the stated total announces at once, then one by one until a short page. */
  all(): Promise<void> {
    this.allPromise ??= (async () => {
      await this.first();
      const stated = this.total !== undefined ? Math.ceil(this.total / this.options.pageSize) : 1;
      const announced: Array<Promise<void>> = [];
      for (let i = 2; i <= Math.min(stated, MAX_PAGES) && this.end === undefined; i++) announced.push(this.page(i));
      await Promise.all(announced);
      // `totalCount` is a record count in the guide's examples and "pages" in its tables: the end
      // is a short page, or every record a total of at least a page announced (a number of pages
      // that large would mean 250,000 objects).
      for (let i = stated + 1; this.end === undefined && !this.countReached(); i++) {
        if (i > MAX_PAGES) throw this.error(`more than ${MAX_PAGES} pages`);
        await this.page(i);
      }
      this.complete = true;
    })();
    this.allPromise.catch(() => (this.failed = true));
    return this.allPromise;
  }

  private countReached(): boolean {
    return this.total !== undefined && this.total >= this.options.pageSize && this.byId.size >= this.total;
  }

  private page(index: number): Promise<void> {
    let p = this.pages.get(index);
    if (!p) {
      p = (async () => {
        this.stats.pagesRead++;
        const { records, total } = await this.options.fetchPage(index, this.options.pageSize);
        if (total !== undefined && index === 1) this.total = total;
        let fresh = 0;
        for (const r of records) {
          const id = this.options.idOf(r);
          if (!this.byId.has(id)) fresh++;
          this.byId.set(id, r);
        }
        if (records.length < this.options.pageSize) {
          this.end = Math.min(this.end ?? index, index);
          if (index === 1) this.complete = true;
        } else if (index === 1 && this.countReached()) {
          this.complete = true;
        } else if (index > 1 && fresh === 0) {
          // A full page of records already seen: the server is not paging by pageIndex.
          throw this.error(`page ${index} repeats earlier records`);
        }
      })();
      p.catch(() => (this.failed = true));
      this.pages.set(index, p);
    }
    return p;
  }

  private error(what: string): VendorApiError {
    return new VendorApiError(`Hik-Connect ${this.options.operation} does not page as documented (${what}); cannot list every object`, {
      vendor: "hikconnect",
      operation: this.options.operation,
    });
  }
}
