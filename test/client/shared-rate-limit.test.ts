import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VendorTransportError } from "../../provider/core/errors";
import { closeSharedRateLimiters, sharedRateLimiter } from "../../provider/core/shared-rate-limiter";
import { HttpTransport } from "../../provider/core/transport";
import { freePort } from "../harness/free-port";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../harness/redis-server";

/**
 * The shared rate limit against a real redis-server, several limiters at once (each stands for a
 * provider process: its own queue and places; Redis cannot tell them apart from processes), and a
 * server that counts arrivals itself and answers after a random delay — the case where spacing
 * starts alone cannot bound what the server sees.
 */
const PASSWORD = "test-only-redis-pw-7c1e";
const WINDOW_MS = 500;
const LIMIT = 3;
const available = redisServerAvailable();

let redis: RedisServer;
let server: Server;
let baseUrl: string;
let arrivals: number[];
let answerDelayMs: () => number;

beforeAll(async () => {
  if (!available) return;
  redis = await startRedisServer({ password: PASSWORD });
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on("end", () => setTimeout(() => res.end("{}"), answerDelayMs()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeSharedRateLimiters();
  await redis?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** The most arrivals within any window of `windowMs` (half-open, as a server's sliding window). */
function peakInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

/** A provider process's transport, with its own limiter on the shared budget. */
function processTransport(budget: string, redisUrl = redis.url, unreachableTimeoutMs = 10_000) {
  const limiter = sharedRateLimiter({
    redisUrl,
    budget,
    limit: LIMIT,
    intervalMs: WINDOW_MS,
    unreachableTimeoutMs,
    settings: { redisUrl: "hikconnect:rateLimitRedisUrl (HIKCONNECT_RATE_LIMIT_REDIS_URL)", limit: "hikconnect:requestsPerSecond" },
  });
  return new HttpTransport({ vendor: "hikconnect", baseUrl, timeoutMs: 5_000, maxRetries: 0, rateLimiter: limiter, maxConcurrentRequests: 64 });
}

const read = (t: HttpTransport) => t.send({ operation: "devicedetail/get", method: "POST", path: "/x", json: {}, idempotent: true });

describe.skipIf(!available)("sharedRateLimiter against a real Redis", () => {
  it("keeps the arrivals of three processes within the limit in every window, whatever the answer times", async () => {
    arrivals = [];
    answerDelayMs = () => Math.random() * 300;
    const budget = `test:${randomUUID()}`;
    const processes = [processTransport(budget), processTransport(budget), processTransport(budget)];
    const started = performance.now();
    const answers = await Promise.all(processes.flatMap((t) => Array.from({ length: 8 }, () => read(t))));
    const elapsed = performance.now() - started;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(arrivals).toHaveLength(24);
    const peak = peakInWindow(arrivals, WINDOW_MS);
    console.log(`shared limit ${LIMIT}/${WINDOW_MS} ms, 3 limiters × 8 requests, answers in 0-300 ms: ${Math.round(elapsed)} ms, peak ${peak} arrivals in a window`);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    // A fresh Redis first holds back new places for a window + 1 s (see the quarantine).
    expect(Math.min(...arrivals) - started).toBeGreaterThanOrEqual(WINDOW_MS + 1_000 - 50);
  });

  it("fails closed: with Redis unreachable a request waits at most its timeout, then fails unsent, naming the setting", async () => {
    arrivals = [];
    answerDelayMs = () => 0;
    const nowhere = `redis://:${PASSWORD}@127.0.0.1:${await freePort()}`;
    const t = processTransport(`test:${randomUUID()}`, nowhere, 800);
    const started = performance.now();
    const errors = await Promise.all([read(t), read(t), read(t)].map((p) => p.then(() => undefined, (e: unknown) => e)));
    const elapsed = performance.now() - started;
    expect(arrivals).toEqual([]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(VendorTransportError);
      expect(error).toMatchObject({ retryable: false, outcomeUnknown: false });
      const message = (error as Error).message;
      expect(message).toMatch(
        /^Hik-Connect devicedetail\/get failed: not sent: the shared rate limit in Redis at 127\.0\.0\.1:\d+ could not be reached for 0\.\d s \(.*ECONNREFUSED.*\) \(POST http:\/\/127\.0\.0\.1:\d+\/x\) — start or fix that Redis, or unset hikconnect:rateLimitRedisUrl \(HIKCONNECT_RATE_LIMIT_REDIS_URL\) to limit each process on its own, and then lower hikconnect:requestsPerSecond so that all processes together stay within the vendor's limit\.$/,
      );
      expect(message).not.toContain(PASSWORD);
    }
    // Three requests queued together fail together: each waited for Redis from its own ask, not in turn.
    expect(elapsed).toBeGreaterThanOrEqual(780);
    expect(elapsed).toBeLessThan(2_500);
  });

  it("says why when Redis refuses the password, without showing either password", async () => {
    arrivals = [];
    const wrong = redis.url.replace(encodeURIComponent(PASSWORD), "test-only-wrong-redis-pw");
    const error = await read(processTransport(`test:${randomUUID()}`, wrong, 500)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    const message = (error as Error).message;
    expect(message).toMatch(/not sent: the shared rate limit in Redis at 127\.0\.0\.1:\d+ could not be reached for 0\.\d s \(WRONGPASS/);
    expect(message).not.toMatch(/test-only-wrong-redis-pw|test-only-redis-pw/);
    expect(arrivals).toEqual([]);
  });

  it("survives Redis restarting empty mid-run: nothing lost, and the limit still holds", async () => {
    arrivals = [];
    answerDelayMs = () => 100 + Math.random() * 200;
    const budget = `test:${randomUUID()}`;
    const processes = [processTransport(budget), processTransport(budget), processTransport(budget)];
    const started = performance.now();
    const all = Promise.all(processes.flatMap((t) => Array.from({ length: 10 }, () => read(t))));
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the first quarantine, requests flowing
    const before = arrivals.length;
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.restart();
    const answers = await all;
    const elapsed = performance.now() - started;
    const peak = peakInWindow(arrivals, WINDOW_MS);
    console.log(`Redis killed and restarted empty after ${before} of 30 arrivals: all answered in ${Math.round(elapsed)} ms, peak ${peak} arrivals in a window`);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(30);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(arrivals).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(LIMIT);
  });
});
