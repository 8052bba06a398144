import type { LimitFunction } from "p-limit" with { "resolution-mode": "import" };
import type { Vendor } from "./errors";

/**
 * Requests one provider process has in flight to one vendor at once, unless the vendor's
 * `<vendor>:maxConcurrentRequests` says otherwise.
 *
 * Why 8: it is what the engine runs at once by default on a 2-core runner (`--parallel` defaults
 * to 4 × GOMAXPROCS), so a default run is not slowed at all, while a stack refreshed with
 * `--parallel 64` (or more: every Read is its own step) no longer multiplies into 64+ requests at
 * the vendor's door. At the ~100 ms a vendor API typically answers in, 8 in flight still moves
 * ~80 requests a second. Hik-Connect never reaches it: its rate limiter lets at most
 * `requestsPerSecond` (default 4) be in flight. The billing's default is lower (see its config).
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 8;

/** A process-wide cap on one vendor's requests in flight, shared by every transport of that vendor. */
export interface RequestCap {
  /** Runs `send` once one of the vendor's slots is free, holding the slot until `send` settles. */
  run<T>(send: () => Promise<T>): Promise<T>;
  /** Requests holding a slot now. */
  readonly active: number;
  /** Requests waiting for a slot now. */
  readonly waiting: number;
  /** The cap in force (the newest configuration's). */
  readonly max: number;
}

interface VendorSlots {
  max: number;
  limit?: LimitFunction;
  loading?: Promise<LimitFunction>;
}

/**
 * One entry per vendor for the whole process (module state on purpose): vendor clients are
 * re-created whenever the configuration changes, and a client per account or per config must not
 * get a fresh budget of its own — the vendor sees one process.
 */
const slotsByVendor = new Map<Vendor, VendorSlots>();

/**
 * The vendor's cap, set to `max` from now on. Clients are built from the newest configuration, so
 * the newest value wins; requests already holding a slot keep it (lowering the cap takes effect as
 * they finish). Built on p-limit (ESM-only, so loaded with a dynamic import like p-retry).
 */
export function requestCap(vendor: Vendor, max: number): RequestCap {
  if (!Number.isInteger(max) || max < 1) throw new Error(`maxConcurrentRequests must be a whole number ≥ 1, got ${max}`);
  let slots = slotsByVendor.get(vendor);
  if (!slots) {
    slots = { max };
    slotsByVendor.set(vendor, slots);
  }
  slots.max = max;
  if (slots.limit) slots.limit.concurrency = max;
  const entry = slots;
  const load = (): Promise<LimitFunction> => {
    if (entry.limit) return Promise.resolve(entry.limit);
    entry.loading ??= import("p-limit").then(({ default: pLimit }) => {
      entry.limit ??= pLimit(entry.max);
      return entry.limit;
    });
    return entry.loading;
  };
  return {
    async run(send) {
      const limit = await load();
      if (limit.concurrency !== entry.max) limit.concurrency = entry.max;
      return limit(send);
    },
    get active() {
      return entry.limit?.activeCount ?? 0;
    },
    get waiting() {
      return entry.limit?.pendingCount ?? 0;
    },
    get max() {
      return entry.max;
    },
  };
}
