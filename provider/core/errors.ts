import { redact } from "./redact";

/** Which vendor system an error came from; also the configuration namespace (`forpost:url`). */
export type Vendor = "forpost" | "vsaas" | "hikconnect" | "stalker" | "billing";

export interface VendorApiErrorDetails {
  vendor: Vendor;
  /** The vendor operation, e.g. `AddAccount` or `POST /accounts/`. */
  operation: string;
  /** The vendor's own error code, as the vendor spells it (`2`, `OPEN000006`, `EVZ20010`). */
  code?: string;
  /** The HTTP status that carried the answer, when there was one. */
  httpStatus?: number;
  /** Whether trying the same request again may succeed (rate limits, 5xx, dropped connections). */
  retryable?: boolean;
  /**
   * True when the request may have been processed although no usable answer arrived (a timeout
   * or a connection dropped after the request was sent). A create in this state must look the
   * object up before trying again.
   */
  outcomeUnknown?: boolean;
  /** Seconds the vendor asked us to wait (Retry-After), if it said. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * The vendor answered with an error, or did not answer usably. Every client throws this family
 * only, so resources and tests can rely on `vendor`, `operation`, `code`, `httpStatus` and
 * `retryable`. Messages are redacted: no registered secret can survive into `message`.
 */
export class VendorApiError extends Error {
  readonly vendor: Vendor;
  readonly operation: string;
  readonly code?: string;
  readonly httpStatus?: number;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly retryAfterSeconds?: number;

  constructor(message: string, details: VendorApiErrorDetails) {
    super(redact(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.vendor = details.vendor;
    this.operation = details.operation;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable ?? false;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** The vendor rejected our credentials. The message names the configuration keys to fix. */
export class VendorAuthError extends VendorApiError {}

/** The object addressed does not exist (any more). Resources turn this into "gone". */
export class VendorNotFoundError extends VendorApiError {}

/**
 * No usable answer: connection refused or dropped, timeout, TLS failure, a body that is not what
 * the vendor documents. `outcomeUnknown` tells whether the request may still have been applied.
 */
export class VendorTransportError extends VendorApiError {}

/** Configuration is missing or malformed. The message names the key and both ways to set it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(redact(message));
    this.name = "ConfigError";
  }
}

/**
 * The object was created but a later step failed. The dynamic-provider host reads `id`,
 * `properties` and `reasons` off the thrown error and reports ErrorResourceInitFailed, so the
 * engine keeps the object in state (and retries the remaining steps on the next update) instead of
 * leaking it.
 */
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, cause: unknown) {
    const reason = redact(cause instanceof Error ? cause.message : String(cause));
    super(
      `created ${id}, but a later step failed: ${reason}. ` +
        `The object is kept in the stack's state; the next \`pulumi up\` finishes the remaining steps.`,
      { cause },
    );
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    // The engine shows a user only the reasons of an ErrorResourceInitFailed (as "1 error
    // occurred: * <reason>"), never the error's message, and keeps them in the state as the
    // resource's initErrors: the whole explanation goes there.
    this.reasons = [this.message];
  }
}

/** A message safe to show a person: redacted, and without a stack for our own error family. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return redact(error.message);
  return redact(String(error));
}
