import { z } from "zod";
import { ConfigError, type Vendor } from "./errors";
import { registerSecret } from "./redact";
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from "./request-cap";

/**
 * Where configuration comes from: the stack config handed to `configure()` by the dynamic-provider
 * host (every namespace, secrets decrypted; keys like `forpost:url`), then the environment.
 */
export interface ConfigSource {
  get(key: string): unknown;
}

let stackConfig: ConfigSource | undefined;
let generation = 0;

/** Whether a stack config source was given (by the host's `configure()`, or by the SDK in a program). */
export function stackConfigIsSet(): boolean {
  return stackConfig !== undefined;
}

/** Called from the provider's `configure()`; later loads read the new values. */
export function setStackConfig(source: ConfigSource | undefined): void {
  stackConfig = source;
  generation++;
}

/** One configuration key of a vendor, e.g. `forpost:adminPassword` / `FORPOST_ADMIN_PASSWORD`. */
export interface ConfigKeySpec<T = unknown> {
  /** The environment variable used when the stack config has no value. */
  env: string;
  /** Validates and normalises the raw string; its message is shown to the user. */
  schema: z.ZodType<T, string>;
  /** Secret values are registered for redaction and never echoed in messages. */
  secret?: boolean;
  /** Used when neither the stack nor the environment sets the key. */
  default?: string;
  /** One line for the README's configuration table. */
  doc: string;
}

type ConfigShape = Record<string, ConfigKeySpec<any>>;
export type LoadedConfig<S extends ConfigShape> = {
  [K in keyof S]: S[K] extends ConfigKeySpec<infer T> ? T : never;
};

/** A vendor's configuration: its keys, and a memoised, validated load of them. */
export interface VendorConfig<S extends ConfigShape> {
  readonly vendor: Vendor;
  readonly keys: S;
  /** Reads every key (stack config, then environment, then default) and validates them all at once. */
  load(): LoadedConfig<S>;
}

/**
 * Declares a vendor's configuration keys. Nothing is read until {@link VendorConfig.load}, so a
 * program that uses only Stalker never needs Forpost settings, and `check`/`diff` never need any.
 */
export function defineVendorConfig<S extends ConfigShape>(vendor: Vendor, keys: S): VendorConfig<S> {
  let cached: { generation: number; value: LoadedConfig<S> } | undefined;
  return {
    vendor,
    keys,
    load() {
      if (cached?.generation === generation) return cached.value;
      const value = loadKeys(vendor, keys);
      cached = { generation, value };
      return value;
    },
  };
}

function loadKeys<S extends ConfigShape>(vendor: Vendor, keys: S): LoadedConfig<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(keys)) {
    const key = `${vendor}:${name}`;
    const raw = readRaw(key, spec);
    if (raw === undefined) {
      const parsed = spec.schema.safeParse(undefined);
      if (parsed.success) out[name] = parsed.data;
      else problems.push(`${key} is not set. ${howToSet(key, spec)}`);
      continue;
    }
    if (spec.secret) registerSecret(raw);
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const reason = parsed.error.issues.map((i) => i.message).join("; ");
      const shown = spec.secret ? "" : ` (got ${JSON.stringify(raw)})`;
      problems.push(`${key} is malformed: ${reason}${shown}. ${howToSet(key, spec)}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`${vendor} configuration is incomplete:\n  - ${problems.join("\n  - ")}`);
  }
  return out as LoadedConfig<S>;
}

function readRaw(key: string, spec: ConfigKeySpec): string | undefined {
  let value: unknown;
  try {
    value = stackConfig?.get(key);
  } catch {
    value = undefined; // the host builds its Config from the Configure request; absent means unset
  }
  if (value === undefined || value === null || value === "") value = process.env[spec.env];
  if (value === undefined || value === null || value === "") value = spec.default;
  if (value === undefined) return undefined;
  // The engine may hand typed config values (numbers, booleans) to Configure; we parse strings.
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

function howToSet(key: string, spec: ConfigKeySpec): string {
  const secret = spec.secret ? " --secret" : "";
  return `Set it with \`pulumi config set${secret} ${key} <value>\` or the ${spec.env} environment variable.`;
}

/** Schemas for common configuration values; messages are written for the person setting them. */
export const configValue = {
  /** An http(s) base URL; a trailing slash is dropped so paths can be appended. */
  baseUrl: (example: string) =>
    z
      .string()
      .trim()
      .refine((s) => isHttpUrl(s), { message: `must be an http:// or https:// URL such as ${example}` })
      .transform((s) => s.replace(/\/+$/, "")),
  /** A non-empty string. */
  text: () => z.string().min(1, { message: "must not be empty" }),
  /** A whole number within bounds, given as a string. */
  integer: (min: number, max: number) =>
    z
      .string()
      .trim()
      .refine((s) => /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max, {
        message: `must be a whole number from ${min} to ${max}`,
      })
      .transform(Number),
  /**
   * An optional Redis URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS); unset
   * stays undefined. Mark the key secret: the URL may carry a password.
   */
  optionalRedisUrl: () =>
    z
      .string()
      .trim()
      .refine((s) => isRedisUrl(s), { message: "must be a redis:// or rediss:// URL such as redis://:<password>@redis.example:6379/0" })
      .optional() as unknown as z.ZodType<string | undefined, string>,
  /** One of a fixed set of words. */
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { message: `must be one of: ${values.join(", ")}` }),
};

function isRedisUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "";
  } catch {
    return false;
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Keys every vendor has for its HTTP transport: how long one request may take, how many times a
 * request that may safely be repeated is retried, and how many requests the provider process has
 * in flight to the vendor at once. `defaults` lets a vendor start lower than
 * {@link DEFAULT_MAX_CONCURRENT_REQUESTS} (the billing does), saying why in the key's doc.
 */
export function transportConfigKeys(envPrefix: string, defaults: { maxConcurrentRequests?: number; maxConcurrentRequestsWhy?: string } = {}) {
  return {
    timeoutSeconds: {
      env: `${envPrefix}_TIMEOUT_SECONDS`,
      schema: configValue.integer(1, 600),
      default: "30",
      doc: "Seconds one HTTP request may take before it is abandoned, counted from when it is sent (waiting for a free slot or the rate limit does not count).",
    },
    maxRetries: {
      env: `${envPrefix}_MAX_RETRIES`,
      schema: configValue.integer(0, 10),
      default: "3",
      doc: "Retries of a request that failed in transit or was refused with 429/5xx (only requests safe to repeat).",
    },
    maxConcurrentRequests: {
      env: `${envPrefix}_MAX_CONCURRENT_REQUESTS`,
      schema: configValue.integer(1, 256),
      default: String(defaults.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS),
      doc:
        "Requests this provider process has in flight to the vendor at once, across all its operations " +
        "(`pulumi up --parallel 64` runs 64 operations at once, and every Read of a refresh is one); the rest wait " +
        "their turn, without the wait counting against timeoutSeconds or holding up other vendors. Raise it for a " +
        "vendor that takes the load; all stacks of one pipeline still add up at the vendor." +
        (defaults.maxConcurrentRequestsWhy ? ` ${defaults.maxConcurrentRequestsWhy}` : ""),
    },
  } satisfies ConfigShape;
}
