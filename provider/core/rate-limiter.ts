import type { RateLimiter } from "./auth";

export interface SlidingWindowOptions {
  /** At most this many requests start within any window of `intervalMs`. */
  limit: number;
  intervalMs: number;
}

/**
 * A {@link RateLimiter} that lets at most `limit` requests start in any window of `intervalMs` by
 * starting them evenly spaced, `intervalMs / limit` apart, measured from the real start of the one
 * before. Callers wait in arrival order. One instance is meant to be shared by everything that
 * counts against the same vendor quota (e.g. all operations of a provider process on one
 * Hik-Connect account).
 *
 * Why even spacing and not a burst of `limit` then a sliding window: a sliding window releases the
 * (n+limit)-th request exactly one window after the n-th, so clusters repeat every window; a few
 * milliseconds of network jitter then put two clusters into one window at the server (measured: 6
 * arrivals within 1000 ms with a client limit of 4). Spaced starts keep a server's window at
 * `limit + 1` at most for any jitter below one spacing (250 ms at 4 per second), and cost only the
 * first burst (three spacings) in throughput.
 *
 * Why one waiter at a time: p-throttle fixes a caller's start time when it asks and releases it
 * with a timer; when the event loop is blocked (GC, a large state, a busy CPU), every overdue timer
 * fires in the same tick — a burst of all waiters. Asking only once the previous waiter has really
 * started computes each start from the real start before it.
 *
 * Why requests hold their place until answered: the server counts a request when it *arrives*,
 * somewhere between our start and the answer, so spacing starts alone cannot bound a server's
 * window when delays vary by a spacing or more. Each request therefore also holds one of `limit`
 * places from its start until one window after its answer (the caller calls the `release` that
 * `acquire` returns; the transport does). Two requests on the same place then arrive at least a
 * window apart, so by pigeonhole no window at the server ever sees more than `limit` of them,
 * whatever the delays. Requests answered promptly never wait on this: spacing already keeps them
 * a window apart.
 *
 * Built on p-throttle's strict mode (ESM-only, so loaded with a dynamic import like p-retry).
 */
/** Added to each spacing so early timers never start two requests closer than a window allows. */
const SPACING_MARGIN_MS = 2;

export function slidingWindowRateLimiter(options: SlidingWindowOptions): RateLimiter {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`rate limit must be a whole number ≥ 1, got ${options.limit}`);
  if (!(options.intervalMs > 0)) throw new Error(`rate limit interval must be positive, got ${options.intervalMs}`);
  // +2 ms: a timer may fire a millisecond or two early against Date.now() (libuv caches its loop
  // time), and p-throttle spaces by Date.now(); found when CI measured 37 ms for a 40 ms spacing.
  const spacingMs = Math.ceil(options.intervalMs / options.limit) + SPACING_MARGIN_MS;
  let gate: Promise<() => Promise<void>> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let freePlaces = options.limit;
  const placeWaiters: Array<() => void> = [];
  const takePlace = (): Promise<void> => {
    if (freePlaces > 0) {
      freePlaces--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => placeWaiters.push(resolve));
  };
  const givePlace = () => {
    const next = placeWaiters.shift();
    if (next) next();
    else freePlaces++;
  };
  return {
    acquire() {
      const turn = tail.then(async () => {
        await takePlace();
        try {
          gate ??= import("p-throttle").then(({ default: pThrottle }) =>
            pThrottle({ limit: 1, interval: spacingMs, strict: true })(async () => undefined),
          );
          await (await gate)();
        } catch (error) {
          givePlace();
          throw error;
        }
      });
      tail = turn.catch(() => undefined);
      return turn.then(() => {
        let released = false;
        return () => {
          if (released) return;
          released = true;
          setTimeout(givePlace, options.intervalMs).unref();
        };
      });
    },
  };
}
