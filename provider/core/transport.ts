import type { Socket } from "node:net";
import { Agent, buildConnector, request as undiciRequest } from "undici";
import { RateLimitUnavailableError, type Authenticator, type RateLimiter } from "./auth";
import { VendorApiError, VendorTransportError, type Vendor } from "./errors";
import { classifyNetworkError } from "./network-errors";
import { redact } from "./redact";
import { DEFAULT_MAX_CONCURRENT_REQUESTS, requestCap, type RequestCap } from "./request-cap";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A request as a vendor client describes it. */
export interface HttpRequest {
  /** The vendor operation, for errors and logs: `AddAccount`, `PUT /accounts/{mac}`. */
  operation: string;
  method: HttpMethod;
  /** Appended to the base URL. Build variable segments with {@link pathSegment}. */
  path: string;
  /** Query parameters in order (order matters for positional APIs such as the billing's). */
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  /** An application/x-www-form-urlencoded body, fields in order. */
  form?: Array<[string, string]>;
  /** A JSON body. */
  json?: unknown;
  /**
   * Whether sending the request twice has the same effect as once (reads, deletes, PUTs of a whole
   * value). Requests that are not are retried only when they certainly never reached the server.
   */
  idempotent: boolean;
}

/** The request after the transport resolved it; authenticators add credentials to it. */
export interface PreparedRequest {
  operation: string;
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  form?: Array<[string, string]>;
  json?: unknown;
}

/** An HTTP answer, read in full. The vendor client decides what it means. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body as JSON; a body that is not JSON is a {@link VendorTransportError}. */
  json(): unknown;
}

export interface TlsOptions {
  /** Trusted certificate authorities (PEM). Verification is never turned off. */
  ca?: string | Buffer;
  /** A client certificate and key (PEM) for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Or a PKCS#12 bundle with its passphrase. */
  pfx?: Buffer;
  passphrase?: string;
}

export interface TransportOptions {
  vendor: Vendor;
  baseUrl: string;
  /**
   * How long one attempt may take, connect to last byte. The clock starts when the request is
   * sent: waiting for the rate limiter or for one of the vendor's slots does not count.
   */
  timeoutMs: number;
  /** Retries after the first attempt, for failures that are safe to retry. */
  maxRetries: number;
  /** Backoff: the first retry waits about this long (doubling, with jitter). Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Backoff and Retry-After are capped at this. Default 30 s. */
  maxRetryDelayMs?: number;
  tls?: TlsOptions;
  auth?: Authenticator;
  rateLimiter?: RateLimiter;
  /**
   * Requests of this vendor in flight at once, across every transport of the vendor in the process
   * (see {@link requestCap}; the newest transport's value wins). Default
   * {@link DEFAULT_MAX_CONCURRENT_REQUESTS}.
   */
  maxConcurrentRequests?: number;
  /**
   * Whether an answer is a passing failure worth another attempt. Default: 429, 502, 503, 504, and
   * 500 for idempotent requests. A vendor whose errors arrive with a 5xx status but carry a
   * definitive error body should say so here.
   */
  isRetryableAnswer?: (answer: HttpAnswer, request: HttpRequest) => boolean;
  /** Largest answer accepted. Default 20 MiB. */
  maxResponseBytes?: number;
  /** What the transport tells vendors it is. */
  userAgent?: string;
}

const DEFAULT_USER_AGENT = "pulumi-telecom";

/**
 * The one HTTP transport every vendor client uses (undici, keep-alive). Retries live here and
 * only here: exponential backoff with jitter, Retry-After honoured, and a request that is not
 * idempotent is repeated only when it certainly did not reach the server (connection refused,
 * connect timeout, DNS failure) or the server refused it outright (429). Credentials are added by
 * an {@link Authenticator}; an answer that says they expired renews them once and retries once.
 */
export class HttpTransport {
  private readonly agent: Agent;
  /** TLS errors seen on this transport's sockets, by local address and port (see {@link tlsConnector}). */
  private readonly tlsFailures = new Map<string, Error>();
  private readonly cap: RequestCap;
  private readonly options: Required<Omit<TransportOptions, "tls" | "auth" | "rateLimiter">> &
    Pick<TransportOptions, "tls" | "auth" | "rateLimiter">;

  constructor(options: TransportOptions) {
    this.options = {
      retryBaseDelayMs: 500,
      maxRetryDelayMs: 30_000,
      maxResponseBytes: 20 * 1024 * 1024,
      userAgent: DEFAULT_USER_AGENT,
      isRetryableAnswer: defaultIsRetryableAnswer,
      maxConcurrentRequests: DEFAULT_MAX_CONCURRENT_REQUESTS,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
    };
    this.cap = requestCap(options.vendor, this.options.maxConcurrentRequests);
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      maxResponseSize: this.options.maxResponseBytes,
      connect: options.tls ? this.tlsConnector({ ...options.tls, rejectUnauthorized: true, timeout: Math.min(options.timeoutMs, 10_000) }) : undefined,
    });
  }

  get vendor(): Vendor {
    return this.options.vendor;
  }

  /** Sends a request, retrying what is safe to retry, and returns the final answer whatever its status. */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    const { default: pRetry } = await import("p-retry");
    let renewed = false;
    const maxRetries = this.options.maxRetries;
    return pRetry(
      async (attemptNumber) => {
        const lastAttempt = attemptNumber > maxRetries;
        let { answer, prepared } = await this.attempt(request, attemptNumber);
        const auth = this.options.auth;
        if (!renewed && auth?.isExpired?.(answer, prepared) && auth.renew) {
          // The vendor says our token/session died early: renew once, repeat once. The request was
          // rejected, not applied, so repeating is safe for any method. The authenticator is told
          // which request (so which credential) failed, so concurrent failures renew only once.
          renewed = true;
          await auth.renew(prepared);
          ({ answer } = await this.attempt(request, attemptNumber));
        }
        if (!lastAttempt && this.options.isRetryableAnswer(answer, request) && retryableStatusFor(answer, request)) {
          throw new VendorApiError(`${request.operation}: HTTP ${answer.status}`, {
            vendor: this.vendor,
            operation: request.operation,
            httpStatus: answer.status,
            retryable: true,
            retryAfterSeconds: retryAfterSeconds(answer.headers["retry-after"]),
          });
        }
        return answer;
      },
      {
        retries: maxRetries,
        minTimeout: this.options.retryBaseDelayMs,
        maxTimeout: this.options.maxRetryDelayMs,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof VendorApiError && error.retryable,
        onFailedAttempt: async ({ error }) => {
          const wait = error instanceof VendorApiError ? error.retryAfterSeconds : undefined;
          // Retry-After is a floor: wait it out here; the backoff then adds its jitter on top.
          if (wait !== undefined && error instanceof VendorApiError && error.retryable) {
            await sleep(Math.min(wait * 1000, this.options.maxRetryDelayMs));
          }
        },
      },
    );
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /**
   * One attempt, in this order: credentials (may obtain a token — a request of its own, so never
   * while holding a slot), the rate limiter's turn, then one of the vendor's slots, held only while
   * the request is in flight. The timeout starts with the request, after both waits; backoff
   * sleeps between attempts happen outside this, holding neither.
   */
  private async attempt(request: HttpRequest, attemptNumber: number): Promise<{ answer: HttpAnswer; prepared: PreparedRequest }> {
    const prepared = this.prepare(request);
    await this.options.auth?.authorize(prepared);
    const where = `${request.method} ${prepared.url.origin}${prepared.url.pathname}`;
    let release: void | (() => void);
    try {
      release = await this.options.rateLimiter?.acquire();
    } catch (error) {
      if (!(error instanceof RateLimitUnavailableError)) throw error;
      // Not sent: no turn, no request. Not retried here either: the limiter already waited.
      throw VendorTransportError.from({
        vendor: this.vendor,
        operation: request.operation,
        kind: "rate-limit",
        problem: `not sent: ${error.problem}`,
        where,
        vendorAdvice: error.advice,
        replacesGenericAdvice: true,
        retryable: false,
        outcomeUnknown: false,
        cause: error,
      });
    }
    const { body, contentType } = encodeBody(prepared);
    const headers: Record<string, string> = { "user-agent": this.options.userAgent, ...prepared.headers };
    if (contentType) headers["content-type"] = contentType;
    try {
      return await this.cap.run(async () => {
        const res = await undiciRequest(prepared.url, {
          method: prepared.method,
          headers,
          body,
          dispatcher: this.agent,
          signal: AbortSignal.timeout(this.options.timeoutMs + 1_000),
        });
        const chunks: Buffer[] = [];
        for await (const chunk of res.body) chunks.push(chunk as Buffer);
        const answer = makeAnswer(res.statusCode, res.headers, Buffer.concat(chunks), { vendor: this.vendor, operation: request.operation, where });
        return { answer, prepared };
      });
    } catch (error) {
      throw this.transportError(error, request, where, attemptNumber);
    } finally {
      release?.();
    }
  }

  private prepare(request: HttpRequest): PreparedRequest {
    const url = new URL(this.options.baseUrl + request.path);
    for (const [k, v] of request.query ?? []) url.searchParams.append(k, v);
    return {
      operation: request.operation,
      method: request.method,
      url,
      headers: { accept: "application/json", ...request.headers },
      form: request.form ? [...request.form] : undefined,
      json: request.json,
    };
  }

  /**
   * undici's connector, remembering the TLS errors its sockets report. Under TLS 1.3 a server
   * refuses a client certificate with an alert that arrives after the client has finished its
   * handshake and sent the request; the socket reports the alert
   * (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, …_UNKNOWN_CA …), but undici fails the request with
   * a plain "other side closed", which would look transient. {@link transportError} puts the alert back.
   */
  private tlsConnector(options: buildConnector.BuildOptions): buildConnector.connector {
    const connect = buildConnector(options);
    return (connectOptions, callback) =>
      connect(connectOptions, (error, socket) => {
        socket?.on("error", (socketError: Error & { code?: unknown }) => {
          if (typeof socketError.code !== "string" || !/^ERR_(SSL|TLS)_/.test(socketError.code)) return;
          const key = socketKey(socket);
          this.tlsFailures.set(key, socketError);
          setTimeout(() => this.tlsFailures.delete(key), 60_000).unref();
        });
        (callback as (error: Error | null, socket: Socket | null) => void)(error, socket);
      });
  }

  private transportError(error: unknown, request: HttpRequest, where: string, attempts: number): VendorTransportError {
    // A socket the server closed with a TLS alert: the alert is the failure, and the request never
    // reached the server's application.
    const closed = error as { code?: unknown; socket?: { localAddress?: string; localPort?: number } } | null;
    if (closed?.code === "UND_ERR_SOCKET" && closed.socket) {
      const key = socketKey(closed.socket);
      const alert = this.tlsFailures.get(key);
      this.tlsFailures.delete(key);
      if (alert) error = alert;
    }
    const kind = classifyNetworkError(error);
    // Retry what may pass (never a TLS or other configuration failure), and a request that is not
    // idempotent only when it certainly never reached the server.
    const retryable = kind.transient && (kind.sent === "no" || request.idempotent);
    return VendorTransportError.from({
      vendor: this.vendor,
      operation: request.operation,
      kind: kind.kind,
      problem: kind.description,
      where,
      attempts,
      timeoutMs: this.options.timeoutMs,
      retryable,
      outcomeUnknown: kind.sent === "maybe",
      cause: error,
    });
  }
}

function socketKey(socket: { localAddress?: string; localPort?: number }): string {
  return `${socket.localAddress ?? ""}:${socket.localPort ?? ""}`;
}

function defaultIsRetryableAnswer(answer: HttpAnswer, request: HttpRequest): boolean {
  return [429, 502, 503, 504].includes(answer.status) || (answer.status === 500 && request.idempotent);
}

/**
 * Whatever a vendor considers transient, a request that is not idempotent is repeated only when
 * the server said it did not process it: 429 (and 503 with Retry-After, which servers send when
 * they shed load before doing any work).
 */
function retryableStatusFor(answer: HttpAnswer, request: HttpRequest): boolean {
  if (request.idempotent) return true;
  return answer.status === 429 || (answer.status === 503 && answer.headers["retry-after"] !== undefined);
}

function encodeBody(req: PreparedRequest): { body?: string; contentType?: string } {
  if (req.form) {
    return { body: new URLSearchParams(req.form).toString(), contentType: "application/x-www-form-urlencoded" };
  }
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: "application/json" };
  return {};
}

function makeAnswer(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  context: { vendor: Vendor; operation: string; where: string },
): HttpAnswer {
  return {
    status,
    headers,
    body,
    text: () => body.toString("utf8"),
    json: () => {
      const text = body.toString("utf8");
      try {
        return JSON.parse(text);
      } catch {
        throw VendorTransportError.from({
          ...context,
          kind: "answer",
          problem: `the answer (HTTP ${status}) is not JSON: ${JSON.stringify(redact(text.slice(0, 120)))}`,
          httpStatus: status,
          retryable: false,
        });
      }
    },
  };
}

/** Parses Retry-After (seconds or an HTTP date) into seconds. */
export function retryAfterSeconds(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Encodes one path segment (ids, MACs, logins) so it cannot change the path's shape. */
export function pathSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
