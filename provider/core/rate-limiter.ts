import type { RateLimiter } from "./auth";

export interface SlidingWindowOptions {
  /** At most this many requests start within any window of `intervalMs`. */
  limit: number;
  intervalMs: number;
}

/**
 * A {@link RateLimiter} that lets at most `limit` requests start in any window of `intervalMs`
 * (a sliding window, so there is no double burst around a window boundary), and once saturated
 * spaces starts `intervalMs / limit` apart. Callers wait in arrival order. One instance is meant to
 * be shared by everything that counts against the same vendor quota (e.g. all operations of a
 * provider process on one Hik-Connect account).
 *
 * Built on p-throttle's strict mode (ESM-only, so loaded with a dynamic import like p-retry).
 */
export function slidingWindowRateLimiter(options: SlidingWindowOptions): RateLimiter {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`rate limit must be a whole number ≥ 1, got ${options.limit}`);
  if (!(options.intervalMs > 0)) throw new Error(`rate limit interval must be positive, got ${options.intervalMs}`);
  let gate: Promise<() => Promise<void>> | undefined;
  return {
    async acquire() {
      gate ??= import("p-throttle").then(({ default: pThrottle }) =>
        pThrottle({ limit: options.limit, interval: options.intervalMs, strict: true })(async () => undefined),
      );
      await (await gate)();
    },
  };
}
