import { describe, expect, it } from "vitest";
import { slidingWindowRateLimiter } from "../../provider/core/rate-limiter";

/**
 * Start times of `count` callers that all ask at once, sorted. Only lower bounds are asserted: a busy
 * machine may run a released caller late, never early (bar a millisecond of timer rounding).
 */
async function starts(limiter: { acquire(): Promise<void> }, count: number): Promise<number[]> {
  const t0 = Date.now();
  const times = await Promise.all(Array.from({ length: count }, () => limiter.acquire().then(() => Date.now() - t0)));
  return times.sort((a, b) => a - b);
}

function expectNotBefore(actual: number[], schedule: number[]): void {
  expect(actual).toHaveLength(schedule.length);
  actual.forEach((t, i) => expect(t, `caller ${i + 1} started at ${t} ms, before ${schedule[i]} ms`).toBeGreaterThanOrEqual(schedule[i]! - 2));
}

describe("slidingWindowRateLimiter", () => {
  it("lets the first `limit` callers through at once, then never more than `limit` in any window", async () => {
    const actual = await starts(slidingWindowRateLimiter({ limit: 3, intervalMs: 120 }), 9);
    expect(actual.slice(0, 3).every((t) => t < 100)).toBe(true);
    expect(actual[3]!).toBeGreaterThanOrEqual(118);
    // The invariant the platform's limit needs: any `limit + 1` consecutive starts span a full window.
    // (Absolute start times are not asserted: on a busy machine a released caller runs late, and the
    // window then slides from its real start.)
    for (let i = 0; i + 3 < actual.length; i++) {
      expect(actual[i + 3]! - actual[i]!, `starts ${i + 1} and ${i + 4}`).toBeGreaterThanOrEqual(118);
    }
  });

  it("keeps any `limit + 1` consecutive starts more than a window apart (one request of slack against jitter)", async () => {
    const actual = await starts(slidingWindowRateLimiter({ limit: 4, intervalMs: 200 }), 10);
    expectNotBefore(actual.slice(0, 5), [0, 0, 0, 0, 200]);
    for (let i = 0; i + 4 < actual.length; i++) expect(actual[i + 4]! - actual[i]!).toBeGreaterThanOrEqual(198);
  });

  it("is shared: two users of one limiter count against the same window", async () => {
    const limiter = slidingWindowRateLimiter({ limit: 2, intervalMs: 100 });
    const [a, b] = await Promise.all([starts(limiter, 3), starts(limiter, 3)]);
    const all = [...a, ...b].sort((x, y) => x - y);
    expectNotBefore(all.slice(0, 3), [0, 0, 100]);
    for (let i = 0; i + 2 < all.length; i++) expect(all[i + 2]! - all[i]!).toBeGreaterThanOrEqual(98);
  });

  it("refuses nonsense settings", () => {
    expect(() => slidingWindowRateLimiter({ limit: 0, intervalMs: 1000 })).toThrow(/whole number ≥ 1/);
    expect(() => slidingWindowRateLimiter({ limit: 5, intervalMs: 0 })).toThrow(/positive/);
  });
});
