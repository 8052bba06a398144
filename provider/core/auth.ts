import type { HttpAnswer, PreparedRequest } from "./transport";
import { registerSecret } from "./redact";

/**
 * Adds a vendor's credentials to each request. The five vendors authenticate five ways — fields in
 * a form body (Forpost), headers (VSAAS.IO), HTTP basic (Stalker), a token that expires and must
 * go to the token's own host (Hik-Connect), a session id as a positional argument (billing) — and
 * all of them fit this shape: `authorize` may add form fields, headers or query parameters, or
 * point the URL at another origin; `isExpired` + `renew` let the transport renew once and retry once.
 */
export interface Authenticator {
  authorize(request: PreparedRequest): void | Promise<void>;
  /**
   * Whether an answer says the credentials died (a token revoked early, a session timed out).
   * `request` is the request as authorized, carrying the credential that was refused.
   */
  isExpired?(answer: HttpAnswer, request: PreparedRequest): boolean;
  /**
   * Obtains fresh credentials; concurrent callers share one renewal. `request` carries the refused
   * credential, so an authenticator can skip renewing when another caller already replaced it.
   */
  renew?(request: PreparedRequest): Promise<void>;
}

/** Paces requests (Hik-Connect allows 5 per second per account across all operations). */
export interface RateLimiter {
  /**
   * Waits for the caller's turn. May return a `release` function, which the caller must call once
   * the request has been answered (or has failed): a limiter can then also count requests that are
   * still in flight, which a server's window sees at their arrival, not at their start.
   * Rejects with {@link RateLimitUnavailableError} when the limiter cannot say (a shared limit
   * whose store is unreachable): the request is then not sent.
   */
  acquire(): Promise<void | (() => void)>;
}

/**
 * A rate limiter could not give a turn (e.g. the Redis holding a shared limit stayed unreachable),
 * so the request was not sent. The transport words it as a transport failure of the request.
 */
export class RateLimitUnavailableError extends Error {
  constructor(
    /** What happened: "the shared rate limit in Redis at host:6379 could not be reached for 30 s (…)". */
    readonly problem: string,
    /** What to do, naming the setting to fix. */
    readonly advice: string,
    options?: { cause?: unknown },
  ) {
    super(`${problem} — ${advice}`, options);
    this.name = "RateLimitUnavailableError";
  }
}

/** Credentials sent as form fields in every body (Forpost: AdminLogin / AdminPassword). */
export function formFieldCredentials(fields: Record<string, string>, secretFields: string[]): Authenticator {
  for (const name of secretFields) registerSecret(fields[name]);
  return {
    authorize(request) {
      request.form = [...Object.entries(fields), ...(request.form ?? [])];
    },
  };
}

/** Credentials sent as request headers (VSAAS.IO: X-USER / X-PASSWORD / X-DOMAIN-ID). */
export function headerCredentials(headers: Record<string, string>, secretHeaders: string[]): Authenticator {
  for (const name of secretHeaders) registerSecret(headers[name]);
  return {
    authorize(request) {
      Object.assign(request.headers, headers);
    },
  };
}

/** HTTP basic authentication (Stalker). */
export function basicCredentials(user: string, password: string): Authenticator {
  registerSecret(password);
  const token = Buffer.from(`${user}:${password}`, "utf8").toString("base64");
  registerSecret(token);
  return {
    authorize(request) {
      request.headers.authorization = `Basic ${token}`;
    },
  };
}

/** A credential that is obtained by a call and expires: an access token, a session id. */
export interface ObtainedCredential<T> {
  value: T;
  /** Epoch milliseconds after which the vendor no longer accepts it, if the vendor says. */
  expiresAt?: number;
}

/**
 * Holds one renewable credential per provider process and shares it between all concurrent
 * operations: at most one obtain call is in flight, callers wait for it, and the credential is
 * renewed `renewBeforeMs` before it expires. Hik-Connect tokens and billing sessions build on this.
 */
export class RenewableCredential<T> {
  private current?: ObtainedCredential<T>;
  private pending?: Promise<ObtainedCredential<T>>;

  constructor(
    private readonly obtain: () => Promise<ObtainedCredential<T>>,
    private readonly renewBeforeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current credential, obtained first if there is none or it is about to expire. */
  async get(): Promise<T> {
    const c = this.current;
    if (c && (c.expiresAt === undefined || c.expiresAt - this.renewBeforeMs > this.now())) return c.value;
    return (await this.refresh()).value;
  }

  /**
   * Obtains a new credential unless another caller already is; `stale` lets a caller that saw an
   * expired credential avoid renewing again when someone else already replaced it.
   */
  async renew(stale?: T): Promise<T> {
    if (stale !== undefined && this.current && this.current.value !== stale) return this.current.value;
    return (await this.refresh()).value;
  }

  private refresh(): Promise<ObtainedCredential<T>> {
    if (!this.pending) {
      this.current = undefined;
      this.pending = this.obtain()
        .then((c) => {
          this.current = c;
          return c;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }
}
