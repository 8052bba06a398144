import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configValue, defineVendorConfig, setStackConfig, transportConfigKeys } from "../../provider/core/config";
import { ConfigError } from "../../provider/core/errors";
import { clearRegisteredSecrets, redact } from "../../provider/core/redact";

const demo = defineVendorConfig("forpost", {
  url: { env: "TEST_FP_URL", schema: configValue.baseUrl("https://x.example"), doc: "url" },
  adminLogin: { env: "TEST_FP_LOGIN", schema: configValue.text(), doc: "login" },
  adminPassword: { env: "TEST_FP_PASSWORD", schema: configValue.text(), secret: true, doc: "password" },
  ...transportConfigKeys("TEST_FP"),
});

function stack(values: Record<string, unknown>) {
  setStackConfig({ get: (k) => values[k] });
}

beforeEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("TEST_FP")) delete process.env[k];
  setStackConfig(undefined);
});
afterEach(() => clearRegisteredSecrets());

describe("vendor configuration", () => {
  it("names every missing key with both ways to set it", () => {
    stack({ "forpost:url": "https://fp.example/" });
    let error: unknown;
    try {
      demo.load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("forpost:adminLogin is not set. Set it with `pulumi config set forpost:adminLogin <value>` or the TEST_FP_LOGIN environment variable.");
    expect(message).toContain("`pulumi config set --secret forpost:adminPassword <value>` or the TEST_FP_PASSWORD environment variable");
  });

  it("prefers stack config, falls back to the environment, then to defaults", () => {
    process.env.TEST_FP_URL = "https://env.example";
    process.env.TEST_FP_LOGIN = "env-admin";
    process.env.TEST_FP_PASSWORD = "env-secret-value";
    stack({ "forpost:url": "https://stack.example/base/", "forpost:maxRetries": 5 });
    expect(demo.load()).toEqual({
      url: "https://stack.example/base",
      adminLogin: "env-admin",
      adminPassword: "env-secret-value",
      timeoutSeconds: 30,
      maxRetries: 5,
      maxConcurrentRequests: 8,
    });
  });

  it("gives every vendor a cap on requests in flight, with a vendor's own default where it has one", () => {
    stack({ "forpost:maxConcurrentRequests": "0" });
    process.env.TEST_FP_URL = "https://env.example";
    expect(() => demo.load()).toThrow(/forpost:maxConcurrentRequests is malformed: must be a whole number from 1 to 256 \(got "0"\)\. Set it with `pulumi config set forpost:maxConcurrentRequests <value>` or the TEST_FP_MAX_CONCURRENT_REQUESTS/);
    expect(transportConfigKeys("X").maxConcurrentRequests.default).toBe("8");
    expect(transportConfigKeys("X", { maxConcurrentRequests: 4 }).maxConcurrentRequests.default).toBe("4");
  });

  it("explains a malformed value, and never echoes a secret one", () => {
    stack({ "forpost:url": "ftp://x", "forpost:adminLogin": "a", "forpost:adminPassword": "", "forpost:timeoutSeconds": "soon" });
    process.env.TEST_FP_PASSWORD = "";
    expect(() => demo.load()).toThrow(/forpost:url is malformed: must be an http:\/\/ or https:\/\/ URL such as https:\/\/x.example \(got "ftp:\/\/x"\)/);
    expect(() => demo.load()).toThrow(/forpost:timeoutSeconds is malformed: must be a whole number from 1 to 600/);
  });

  it("registers secret values for redaction as soon as they are read", () => {
    stack({ "forpost:url": "https://x.example", "forpost:adminLogin": "a", "forpost:adminPassword": "s3cr3t-pw" });
    demo.load();
    expect(redact("echo s3cr3t-pw")).toBe("echo ***");
  });

  it("reads again after a new configure()", () => {
    stack({ "forpost:url": "https://one.example", "forpost:adminLogin": "a", "forpost:adminPassword": "pw-one" });
    expect(demo.load().url).toBe("https://one.example");
    stack({ "forpost:url": "https://two.example", "forpost:adminLogin": "a", "forpost:adminPassword": "pw-two" });
    expect(demo.load().url).toBe("https://two.example");
  });
});

describe("hikconnect:rateLimitRedisUrl", () => {
  const base = { "hikconnect:url": "https://ieu.hikcentralconnect.com", "hikconnect:appKey": "ak", "hikconnect:secretKey": "test-only-sk" };

  it("is optional, secret, and refuses anything but a redis:// or rediss:// URL without echoing it", async () => {
    const { hikconnectConfig } = await import("../../provider/hikconnect/config");
    expect(hikconnectConfig.keys.rateLimitRedisUrl).toMatchObject({ secret: true, env: "HIKCONNECT_RATE_LIMIT_REDIS_URL" });
    stack(base);
    expect(hikconnectConfig.load().rateLimitRedisUrl).toBeUndefined();
    stack({ ...base, "hikconnect:rateLimitRedisUrl": "http://:test-only-redis-pw@redis.example:6379" });
    expect(() => hikconnectConfig.load()).toThrow(/hikconnect:rateLimitRedisUrl is malformed: must be a redis:\/\/ or rediss:\/\/ URL such as redis:\/\/:<password>@redis\.example:6379\/0\. Set it with `pulumi config set --secret hikconnect:rateLimitRedisUrl/);
    expect(() => hikconnectConfig.load()).not.toThrow(/test-only-redis-pw/);
    stack({ ...base, "hikconnect:rateLimitRedisUrl": "rediss://:test-only-redis-pw@redis.example:6380/2" });
    expect(hikconnectConfig.load().rateLimitRedisUrl).toBe("rediss://:test-only-redis-pw@redis.example:6380/2");
    expect(redact("at rediss://:test-only-redis-pw@redis.example:6380/2")).toBe("at ***");
  });
});
