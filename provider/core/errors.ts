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

/** How messages name each vendor. */
export const VENDOR_DISPLAY_NAMES: Record<Vendor, string> = {
  forpost: "Forpost",
  vsaas: "VSAAS.IO",
  hikconnect: "Hik-Connect",
  stalker: "Stalker",
  billing: "billing",
};

/** How a sentence names each vendor ("the network between this machine and the billing"). */
const VENDOR_PROSE_NAMES: Record<Vendor, string> = { ...VENDOR_DISPLAY_NAMES, billing: "the billing" };

/**
 * What kind of transport failure, for the advice that ends its message: `unreachable` (never got
 * there: refused, DNS, no route), `dropped` (the connection broke before the answer), `timeout`,
 * `tls`, `answer` (an answer arrived but cannot be read), `rate-limit` (the shared rate limit
 * could not be asked, so nothing was sent).
 */
export type TransportFailureKind = "unreachable" | "dropped" | "timeout" | "tls" | "answer" | "rate-limit";

/** A transport failure, in parts; {@link VendorTransportError.from} words it. */
export interface TransportFailure extends VendorApiErrorDetails {
  kind: TransportFailureKind;
  /** What happened, in words: "the connection closed before an answer arrived". */
  problem: string;
  /** Method and URL without the query string (which may carry credentials): "POST https://host/path". */
  where?: string;
  /** Attempts made; said when more than one. */
  attempts?: number;
  /** The per-attempt timeout in force, for the advice to raise it. */
  timeoutMs?: number;
  /**
   * A vendor's own advice (e.g. which certificate key to fix), said first; `replacesGenericAdvice`
   * drops the transport's generic advice when the vendor's is definite.
   */
  vendorAdvice?: string;
  replacesGenericAdvice?: boolean;
}

/**
 * No usable answer: connection refused or dropped, timeout, TLS failure, a body that is not what
 * the vendor documents. `outcomeUnknown` tells whether the request may still have been applied.
 *
 * Built with {@link VendorTransportError.from}, the message always reads the same way — the vendor
 * and operation first, what happened and where, then what the operator can do: check
 * `<vendor>:url` and the network, raise `<vendor>:timeoutSeconds` when it timed out, and, when the
 * outcome is unknown, that the vendor may have applied the request.
 */
export class VendorTransportError extends VendorApiError {
  /** The parts the message was worded from, when it was built with {@link VendorTransportError.from}. */
  readonly failure?: TransportFailure;

  constructor(message: string, details: VendorApiErrorDetails, failure?: TransportFailure) {
    super(message, details);
    if (failure) this.failure = failure;
  }

  static from(failure: TransportFailure): VendorTransportError {
    const { kind: _kind, problem: _problem, where: _where, attempts: _attempts, timeoutMs: _timeout, vendorAdvice: _advice, replacesGenericAdvice: _replaces, ...details } = failure;
    return new VendorTransportError(transportFailureMessage(failure), details, failure);
  }

  /**
   * The same failure with changes, worded again: a vendor's own advice, or what the client knows
   * better than the transport (whether a write may have been applied). Errors not built from parts
   * keep their message.
   */
  with(changes: Partial<Omit<TransportFailure, "vendor" | "operation">>): VendorTransportError {
    if (!this.failure) {
      return new VendorTransportError(this.message, { ...this.details(), ...changes, cause: changes.cause ?? this.cause });
    }
    return VendorTransportError.from({ ...this.failure, ...changes });
  }

  private details(): VendorApiErrorDetails {
    return {
      vendor: this.vendor,
      operation: this.operation,
      code: this.code,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      outcomeUnknown: this.outcomeUnknown,
      retryAfterSeconds: this.retryAfterSeconds,
      cause: this.cause,
    };
  }
}

/** The one wording of transport failures (see {@link VendorTransportError}). */
export function transportFailureMessage(failure: TransportFailure): string {
  const name = VENDOR_DISPLAY_NAMES[failure.vendor];
  const attempts = failure.attempts !== undefined && failure.attempts > 1 ? `, ${failure.attempts} attempts` : "";
  const where = failure.where ? ` (${failure.where}${attempts})` : attempts ? ` (${attempts.slice(2)})` : "";
  let message = `${name} ${failure.operation} failed: ${failure.problem}${where}`;
  const generic = genericAdvice(failure);
  if (failure.vendorAdvice) {
    message += ` — ${failure.vendorAdvice}`;
    if (!failure.replacesGenericAdvice && generic) message += ` ${generic}`;
  } else if (generic) {
    message += `. ${generic}`;
  }
  if (failure.outcomeUnknown) {
    message +=
      ` ${capitalized(VENDOR_PROSE_NAMES[failure.vendor])} may have applied the request although no usable answer arrived: ` +
      "if it changes something, check there (or run `pulumi refresh`) before repeating it by hand.";
  }
  return message;
}

function genericAdvice(failure: TransportFailure): string | undefined {
  const vendor = failure.vendor;
  const name = VENDOR_PROSE_NAMES[vendor];
  const env = vendor.toUpperCase();
  const url = `${vendor}:url (${env}_URL)`;
  const now = failure.timeoutMs !== undefined ? `, now ${Number((failure.timeoutMs / 1000).toFixed(1))}` : "";
  const timeout = `${vendor}:timeoutSeconds (${env}_TIMEOUT_SECONDS${now})`;
  switch (failure.kind) {
    case "unreachable":
      return `Check ${url}, that ${name} is running there, and that this machine can reach it over the network.`;
    case "dropped":
      return `Check ${url} and the network between this machine and ${name} (a proxy or firewall cutting connections); if ${name} is only slow, raise ${timeout}.`;
    case "timeout":
      return `If ${name} is only slow, raise ${timeout}; otherwise check ${url} and the network between this machine and ${name}.`;
    case "tls":
      return `Check ${url}: its scheme (http/https) and host name must be those of ${name}'s server.`;
    case "answer":
      return `Check that ${url} points at the ${name} API itself, not at a proxy, a login page or another service.`;
    case "rate-limit":
      return undefined; // the limiter's own advice says which setting to fix
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

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

  constructor(id: string, properties: Record<string, unknown>, cause: unknown, options: { summary?: string } = {}) {
    const reason = redact(cause instanceof Error ? cause.message : String(cause));
    super(
      options.summary
        ? redact(`${reason}. ${options.summary}`)
        : `created ${id}, but a later step failed: ${reason}. ` +
            `The object is kept in the stack's state; the next \`pulumi up\` finishes the remaining steps.`,
      { cause },
    );
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [reason];
  }
}

/** A message safe to show a person: redacted, and without a stack for our own error family. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return redact(error.message);
  return redact(String(error));
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_ABORTED", "ABORT_ERR"]);

/**
 * Whether a failed request may still be running on the vendor: we stopped waiting (a timeout), or
 * a gateway did (504). Other unknown outcomes (a 500, a dropped connection) end the vendor's work.
 */
export function mayStillBeRunning(error: VendorApiError): boolean {
  if (error.httpStatus === 504) return true;
  let current: unknown = error.cause;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if ((typeof code === "string" && TIMEOUT_CODES.has(code)) || name === "TimeoutError" || name === "AbortError") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
