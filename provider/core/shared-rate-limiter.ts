import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Redis } from "ioredis";
import { RateLimitUnavailableError, type RateLimiter } from "./auth";
import { slidingWindowRateLimiter, type SlidingWindowOptions } from "./rate-limiter";
import { registerSecret } from "./redact";

export interface SharedRateLimiterOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). The password is registered as a secret. */
  redisUrl: string;
  /**
   * The budget's name in Redis, the same in every process that shares the limit and free of
   * secrets, e.g. `hikconnect:<region host>:<sha-256 of the appKey>`.
   */
  budget: string;
  /** At most this many requests arrive at the vendor within any window of `intervalMs`, all processes together. */
  limit: number;
  intervalMs: number;
  /** How long one request waits for an unreachable Redis before it fails, unsent (the request timeout). */
  unreachableTimeoutMs: number;
  /** Settings the messages name: where the URL is set, and the per-process limit to fall back to. */
  settings: { redisUrl: string; limit: string };
}

/** A request's place lasts this long unless its process renews it; it renews every {@link RENEW_EVERY_MS}. */
export const PLACE_LEASE_MS = 10_000;
const RENEW_EVERY_MS = 500;
/** ioredis reconnects at most this long after Redis is reachable again. */
const MAX_RECONNECT_DELAY_MS = 200;
const RETRY_UNREACHABLE_MS = 100;

/**
 * A {@link RateLimiter} shared by every provider process on every machine that uses the same Redis
 * and budget: the vendor's limit is per account, so N processes each keeping to it on their own
 * (the per-process {@link slidingWindowRateLimiter}) send N times the limit.
 *
 * What it bounds is what the vendor counts: requests *arriving* at its server within any window.
 * A request arrives somewhere between its start and its answer, and no process knows when. So,
 * as in the per-process limiter, every request holds a place from its start until one window
 * after its answer; there are `limit` places in Redis for the whole budget (a sorted set: member
 * = request, score = until when it holds). Take any window [t, t + W) at the server and a request
 * r arriving in it: r started before t + W and was answered after t, so r held its place at the
 * instant just before t + W (it holds until answer + W > t + W). All requests arriving in the
 * window therefore hold places at one same instant — at most `limit` of them. Whatever the
 * network delays, the answer times, the processes or the machines: only durations are used, and
 * every "now" is Redis's own clock (TIME inside the scripts), so the machines' clocks do not matter.
 *
 * Starts are not spaced as in the per-process limiter: the bound above holds without spacing, and
 * a place frees exactly one window after an answer, so no window ever sees more than `limit`.
 *
 * Crashes and stalls: a request's place is taken with a lease of {@link PLACE_LEASE_MS}, which its
 * process renews every 500 ms until the answer; a process that dies stops renewing, and its
 * places free within the lease (its requests died with it). A process frozen for longer than the
 * lease minus a window (9 s) could lose a place while its request is in flight.
 *
 * Redis unreachable (down, restarting, network): fail closed. Nothing is sent without a place: a
 * request waits, retrying, for at most `unreachableTimeoutMs`, then fails unsent with an error
 * naming the Redis setting. No fallback to a per-process share: no process knows how many others
 * run, so no share can be shown to stay within the vendor's limit.
 *
 * Redis restarted without its data (as with `--save "" --appendonly no`, or FLUSHALL): the places
 * of requests in flight, and of requests answered less than a window ago, are forgotten. So every
 * process re-registers all its live places (with their remaining time) as soon as it reconnects,
 * and every 500 ms anyway; and the first script to find the budget's marker key missing gives no
 * new places for a quarantine of W + 1 s: long enough for every live process to reconnect (≤ 200
 * ms) and re-register (at once, at the latest after 500 ms), and for the places of a process that
 * died before the restart to run out (≤ W after its last answer). The first request of a fresh
 * Redis waits that long too; Redis with persistence (RDB/AOF) keeps the marker and skips it.
 *
 * Processes must agree on `limit`: each takes a place only while fewer than its own `limit` are
 * held, so with different values the largest one bounds the account.
 */
export function sharedRateLimiter(options: SharedRateLimiterOptions): RateLimiter {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`rate limit must be a whole number ≥ 1, got ${options.limit}`);
  if (!(options.intervalMs > 0)) throw new Error(`rate limit interval must be positive, got ${options.intervalMs}`);
  const target = redisTarget(options.redisUrl);
  const keys = [`pulumi-telecom:rate-limit:{${options.budget}}:places`, `pulumi-telecom:rate-limit:{${options.budget}}:marker`] as const;
  const quarantineMs = options.intervalMs + 1_000;
  /**
   * This process's live places: in flight (no `answeredAt`), or answered less than a window ago,
   * or answered but not yet confirmed so to Redis (`confirmed`: a release report got through).
   */
  const places = new Map<string, { answeredAt?: number; confirmed?: boolean }>();
  let renewTimer: NodeJS.Timeout | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let listening = false;
  /** Since when Redis has been failing (unset once it answers): each request waits for it from max(this, its own ask). */
  let unreachableSince: number | undefined;

  /** id, ms pairs for every live place: how long from now it must still hold. */
  const livePlaces = (): string[] => {
    const now = performance.now();
    const args: string[] = [];
    for (const [id, place] of places) {
      const remaining = place.answeredAt === undefined ? PLACE_LEASE_MS : options.intervalMs - (now - place.answeredAt);
      if (remaining <= 0 && place.confirmed) places.delete(id);
      // An answer Redis has not heard of yet still holds its lease there: tell it, even if late.
      else args.push(id, String(Math.max(1, Math.ceil(remaining) + 1)));
    }
    return args;
  };
  const confirm = (args: string[]): void => {
    for (let i = 0; i < args.length; i += 2) {
      const place = places.get(args[i]!);
      if (place?.answeredAt !== undefined) place.confirmed = true;
    }
  };
  const renew = async (): Promise<void> => {
    const args = livePlaces();
    if (args.length === 0) {
      clearInterval(renewTimer);
      renewTimer = undefined;
      return;
    }
    // A renewal that fails is repeated in 500 ms; meanwhile an expiry in Redis only ever lasts longer.
    await (await connect(options.redisUrl))
      .report(keys, quarantineMs, args)
      .then(() => confirm(args))
      .catch(() => undefined);
  };

  const take = async (askedAt: number): Promise<() => void> => {
    const redis = await connect(options.redisUrl);
    if (!listening) {
      listening = true;
      redis.onReady(() => void renew()); // re-register at once after a reconnect (Redis may have lost them)
    }
    const id = randomUUID();
    for (;;) {
      let reply: [number, number];
      try {
        reply = await redis.acquire(keys, options.limit, PLACE_LEASE_MS, id, quarantineMs);
      } catch (error) {
        // Repeating with the same id is safe: a place already given to it is given again, not twice.
        const now = performance.now();
        unreachableSince ??= now;
        const waited = now - Math.max(unreachableSince, askedAt);
        if (waited >= options.unreachableTimeoutMs) throw unreachable(target, options, waited, redis.lastError ?? error);
        await sleep(Math.min(RETRY_UNREACHABLE_MS, options.unreachableTimeoutMs - waited));
        continue;
      }
      unreachableSince = undefined;
      const [granted, waitMs] = reply;
      if (granted === 1) break;
      // Full: the earliest place frees in waitMs; a place still in flight frees no sooner than a
      // window after its answer, so waking within a window never misses one.
      await sleep(Math.max(1, Math.min(waitMs, options.intervalMs)));
    }
    places.set(id, {});
    renewTimer ??= setInterval(() => void renew(), RENEW_EVERY_MS).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const place = places.get(id);
      if (!place) return;
      place.answeredAt = performance.now();
      const args = [id, String(options.intervalMs + 1)];
      void redis.report(keys, quarantineMs, args).then(() => confirm(args), () => undefined);
    };
  };

  return {
    acquire() {
      // One waiter of this process asks Redis at a time (in arrival order); the others queue here.
      const askedAt = performance.now();
      const turn = tail.then(() => take(askedAt));
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}

/**
 * The limiter for one vendor account's documented limit: shared through Redis when `shared` is
 * given (a Redis URL is configured), else this process's own {@link slidingWindowRateLimiter}.
 */
export function accountRateLimiter(options: SlidingWindowOptions & { shared?: Omit<SharedRateLimiterOptions, "limit" | "intervalMs"> }): RateLimiter {
  const { shared, ...window } = options;
  return shared ? sharedRateLimiter({ ...shared, ...window }) : slidingWindowRateLimiter(window);
}

/** Closes every Redis connection the shared limiters opened (tests; a provider host just exits). */
export async function closeSharedRateLimiters(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map(async (c) => (await c.catch(() => undefined))?.close()));
}

/**
 * KEYS[1]: the places (sorted set: member = request id, score = Redis time in ms until which it
 * holds). KEYS[2]: the marker, holding the Redis time until which no new place is given; a script
 * that finds it missing (a fresh or emptied Redis) sets it to now + quarantine.
 */
const COMMON_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local marker = redis.call('GET', KEYS[2])
if not marker then marker = tostring(now + tonumber(ARGV[1])) end
redis.call('SET', KEYS[2], marker, 'PX', 86400000)
local quarantine_until = tonumber(marker)
local function keep_places()
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now + 1000)) end
end
`;

/** ARGV: quarantineMs, limit, leaseMs, id → {1, 0} granted, or {0, ms until worth asking again}. */
const ACQUIRE_LUA = `${COMMON_LUA}
if now < quarantine_until then return {0, quarantine_until - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
  keep_places()
  return {1, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(first[2]) - now}
`;

/** ARGV: quarantineMs, then id, ms pairs: each place holds ms from now (renewal, answer, re-registration). */
const REPORT_LUA = `${COMMON_LUA}
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[i + 1]), ARGV[i])
end
keep_places()
return 1
`;

interface Connection {
  acquire(keys: readonly [string, string], limit: number, leaseMs: number, id: string, quarantineMs: number): Promise<[number, number]>;
  report(keys: readonly [string, string], quarantineMs: number, places: string[]): Promise<unknown>;
  onReady(listener: () => void): void;
  /** The last connection error ioredis reported (cleared once connected). */
  readonly lastError: Error | undefined;
  close(): Promise<void>;
}

type ScriptedRedis = Redis & {
  telecomRateAcquire(k1: string, k2: string, ...args: Array<string | number>): Promise<[number, number]>;
  telecomRateReport(k1: string, k2: string, ...args: Array<string | number>): Promise<unknown>;
};

/** One connection per Redis URL for the whole process, shared by every budget. */
const connections = new Map<string, Promise<Connection>>();

function connect(url: string): Promise<Connection> {
  let connection = connections.get(url);
  if (!connection) {
    connection = open(url);
    connections.set(url, connection);
    connection.catch(() => connections.delete(url));
  }
  return connection;
}

async function open(url: string): Promise<Connection> {
  const ioredis = await import("ioredis");
  const RedisClient = ioredis.Redis ?? ioredis.default;
  const client = new RedisClient(url, {
    // Fail fast while disconnected: the limiter retries on its own, bounded by the request timeout,
    // instead of commands piling up in a queue that would replay them later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(times * 50, MAX_RECONNECT_DELAY_MS),
  }) as ScriptedRedis;
  client.defineCommand("telecomRateAcquire", { numberOfKeys: 2, lua: ACQUIRE_LUA });
  client.defineCommand("telecomRateReport", { numberOfKeys: 2, lua: REPORT_LUA });
  let lastError: Error | undefined;
  const readyListeners = new Set<() => void>();
  client.on("error", (error: Error) => (lastError = error)); // without a listener ioredis would crash the process
  client.on("ready", () => {
    lastError = undefined;
    for (const listener of readyListeners) listener();
  });
  return {
    acquire: (keys, limit, leaseMs, id, quarantineMs) => client.telecomRateAcquire(keys[0], keys[1], quarantineMs, limit, leaseMs, id),
    report: (keys, quarantineMs, places) => client.telecomRateReport(keys[0], keys[1], quarantineMs, ...places),
    onReady: (listener) => void readyListeners.add(listener),
    get lastError() {
      return lastError;
    },
    async close() {
      client.disconnect();
    },
  };
}

/** `host:port` of a Redis URL (for messages: the URL itself is a secret), registering its password. */
function redisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      registerSecret(parsed.password);
      registerSecret(decodeURIComponent(parsed.password));
    }
    return `${parsed.hostname}:${parsed.port || "6379"}`;
  } catch {
    return "(a malformed URL)";
  }
}

function unreachable(target: string, options: SharedRateLimiterOptions, waitedMs: number, cause: unknown): RateLimitUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RateLimitUnavailableError(
    `the shared rate limit in Redis at ${target} could not be reached for ${Math.round(waitedMs / 100) / 10} s (${reason})`,
    `start or fix that Redis, or unset ${options.settings.redisUrl} to limit each process on its own, and then ` +
      `lower ${options.settings.limit} so that all processes together stay within the vendor's limit.`,
    { cause },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
