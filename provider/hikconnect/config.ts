import { configValue, defineVendorConfig, transportConfigKeys } from "../core/config";

/** Hik-Connect for Teams configuration: stack config `hikconnect:*`, or HIKCONNECT_* environment variables. */
export const hikconnectConfig = defineVendorConfig("hikconnect", {
  url: {
    env: "HIKCONNECT_URL",
    schema: configValue.baseUrl("https://ieu.hikcentralconnect.com"),
    doc:
      "The region server from the guide's table (e.g. `https://ieu.hikcentralconnect.com` for Europe); only the token " +
      "request goes there, every other call goes to the `areaDomain` the token answer names.",
  },
  appKey: {
    env: "HIKCONNECT_APP_KEY",
    schema: configValue.text(),
    doc: "The API account's AK (appKey), from Hik-Connect technical support.",
  },
  secretKey: {
    env: "HIKCONNECT_SECRET_KEY",
    schema: configValue.text(),
    secret: true,
    doc: "The API account's SK (secretKey).",
  },
  requestsPerSecond: {
    env: "HIKCONNECT_REQUESTS_PER_SECOND",
    schema: configValue.integer(1, 1000),
    default: "4",
    doc:
      "Requests this provider process starts in any one second, across all its operations. The platform allows 5 per " +
      "account; 4 leaves room for network jitter. Lower it when other tools use the same account. With " +
      "`hikconnect:rateLimitRedisUrl` it is the account's total over every process sharing that Redis (set the same " +
      "value in all of them). Values above 5 are for test servers started with a higher limit (the sandbox's " +
      "`rateLimit`); Hik-Connect itself answers them with HTTP 429 and back-offs.",
  },
  rateLimitRedisUrl: {
    env: "HIKCONNECT_RATE_LIMIT_REDIS_URL",
    schema: configValue.optionalRedisUrl(),
    secret: true,
    doc:
      "A Redis (`redis://[:password@]host:6379[/db]`, `rediss://` for TLS) through which every provider process using " +
      "this account — several stacks, pipelines, machines — shares one budget of `hikconnect:requestsPerSecond`, keyed " +
      "by the region and a hash of the appKey. Without it each process keeps its own limit, and N processes send N times " +
      "as much. Fail-closed: while the Redis cannot be reached a request waits for it, at most " +
      "`hikconnect:timeoutSeconds`, then fails unsent with an error naming this key; nothing is sent outside the budget. " +
      "The first request after the Redis started empty waits about 2 s (see docs/guides/scale-and-rate-limits.md). " +
      "Secret: the URL may hold a password.",
  },
  ...transportConfigKeys("HIKCONNECT"),
});
