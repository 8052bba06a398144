import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../provider/core/auth";
import { slidingWindowRateLimiter } from "../../provider/core/rate-limiter";

/**
 * Start times of `count` callers that all ask at once, sorted. Only lower bounds are asserted: a busy
 * machine may run a released caller late, never early (bar a millisecond of timer rounding).
 */
async function starts(limiter: RateLimiter, count: number): Promise<number[]> {
  const t0 = Date.now();
  const times = await Promise.all(Array.from({ length: count }, () => limiter.acquire().then((release) => (release?.(), Date.now() - t0))));
  return times.sort((a, b) => a - b);
}

function expectNotBefore(actual: number[], schedule: number[]): void {
  expect(actual).toHaveLength(schedule.length);
  actual.forEach((t, i) => expect(t, `caller ${i + 1} started at ${t} ms, before ${schedule[i]} ms`).toBeGreaterThanOrEqual(schedule[i]! - 2));
}

describe("slidingWindowRateLimiter", () => {
  it("starts callers evenly spaced, so any `limit + 1` consecutive starts span a full window", async () => {
    const actual = await starts(slidingWindowRateLimiter({ limit: 3, intervalMs: 120 }), 9);
    expect(actual[0]!).toBeLessThan(100);
    // Spaced from the real start before (a busy machine runs a released caller late, never early).
    for (let i = 0; i + 1 < actual.length; i++) expect(actual[i + 1]! - actual[i]!, `starts ${i + 1} and ${i + 2}`).toBeGreaterThanOrEqual(38);
    for (let i = 0; i + 3 < actual.length; i++) expect(actual[i + 3]! - actual[i]!, `starts ${i + 1} and ${i + 4}`).toBeGreaterThanOrEqual(118);
  });

  it("does not repeat a burst every window: jitter cannot put two clusters into one server window", async () => {
    // A sliding window alone releases the (n+limit)-th start exactly one window after the n-th:
    // a first burst then recurs every window, and a few ms of network jitter put limit + 2 or more
    // requests into one window at the server. Spaced starts allow at most limit + 1 in any window
    // stretched by less than one spacing.
    const actual = await starts(slidingWindowRateLimiter({ limit: 4, intervalMs: 200 }), 10);
    const stretched = 200 + 40; // window + jitter below one spacing (50 ms)
    for (let i = 0; i + 5 < actual.length; i++) {
      expect(actual[i + 5]! - actual[i]!, `starts ${i + 1} and ${i + 6} of ${JSON.stringify(actual)}`).toBeGreaterThanOrEqual(stretched);
    }
  });

  it("is shared: two users of one limiter count against the same window", async () => {
    const limiter = slidingWindowRateLimiter({ limit: 2, intervalMs: 100 });
    const [a, b] = await Promise.all([starts(limiter, 3), starts(limiter, 3)]);
    const all = [...a, ...b].sort((x, y) => x - y);
    expectNotBefore(all.slice(0, 3), [0, 50, 100]);
    for (let i = 0; i + 2 < all.length; i++) expect(all[i + 2]! - all[i]!).toBeGreaterThanOrEqual(98);
  });

  it("does not release a burst after the event loop was blocked: the window holds at real start times", async () => {
    // A busy host (GC, a large state, a shared CPU) runs timers late. A limiter that fixes every
    // waiter's start time when it asks would then release all overdue waiters in the same tick —
    // more than `limit` within one window at the server.
    const limiter = slidingWindowRateLimiter({ limit: 4, intervalMs: 200 });
    const t0 = Date.now();
    const blocked = new Promise<void>((resolve) =>
      setTimeout(() => {
        while (Date.now() - t0 < 520); // the event loop is stuck from ~60 ms to 520 ms
        resolve();
      }, 60),
    );
    const actual = (
      await Promise.all([...Array.from({ length: 12 }, () => limiter.acquire().then((release) => (release?.(), Date.now() - t0))), blocked.then(() => -1)])
    )
      .filter((t) => t >= 0)
      .sort((a, b) => a - b);
    for (let i = 0; i + 4 < actual.length; i++) {
      expect(actual[i + 4]! - actual[i]!, `starts ${i + 1} and ${i + 5} of ${JSON.stringify(actual)}`).toBeGreaterThanOrEqual(198);
    }
  });

  it("holds a request's place until a window after its answer, so slow answers cannot bunch arrivals at the server", async () => {
    // The server counts a request on arrival, anywhere between our start and the answer. With
    // answers taking longer than a spacing, spaced starts alone would let arrivals bunch; holding
    // `limit` places until one window after each answer bounds any server window to `limit`.
    const limiter = slidingWindowRateLimiter({ limit: 3, intervalMs: 150 });
    const t0 = Date.now();
    const answerAfterMs = 200;
    const spans = await Promise.all(
      Array.from({ length: 7 }, async () => {
        const release = await limiter.acquire();
        const start = Date.now() - t0;
        await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
        const end = Date.now() - t0;
        release?.();
        return { start, end };
      }),
    );
    spans.sort((a, b) => a.start - b.start);
    // Each start comes at least a window after the answer of the request `limit` places earlier.
    for (let i = 0; i + 3 < spans.length; i++) {
      expect(spans[i + 3]!.start - spans[i]!.end, `request ${i + 4} vs the answer of ${i + 1}: ${JSON.stringify(spans)}`).toBeGreaterThanOrEqual(148);
    }
  });

  it("refuses nonsense settings", () => {
    expect(() => slidingWindowRateLimiter({ limit: 0, intervalMs: 1000 })).toThrow(/whole number ≥ 1/);
    expect(() => slidingWindowRateLimiter({ limit: 5, intervalMs: 0 })).toThrow(/positive/);
  });
});
