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
 * Built on p-throttle's strict mode (ESM-only, so loaded with a dynamic import like p-retry).
 */
export function slidingWindowRateLimiter(options: SlidingWindowOptions): RateLimiter {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`rate limit must be a whole number ≥ 1, got ${options.limit}`);
  if (!(options.intervalMs > 0)) throw new Error(`rate limit interval must be positive, got ${options.intervalMs}`);
  const spacingMs = Math.ceil(options.intervalMs / options.limit);
  let gate: Promise<() => Promise<void>> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  return {
    acquire() {
      const turn = tail.then(async () => {
        gate ??= import("p-throttle").then(({ default: pThrottle }) =>
          pThrottle({ limit: 1, interval: spacingMs, strict: true })(async () => undefined),
        );
        await (await gate)();
      });
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}
