import { VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { redact } from "../core/redact";
import { HttpTransport, type HttpAnswer } from "../core/transport";
import { decodeAnswer, NotXmlError, parseAnswer, type BillingRow } from "./answer";
import { LOGIN_PROCEDURE, perCallAuthenticator, SESSION_ERROR, sessionAuthenticator } from "./auth";
import { billingConfig, type BillingConfig } from "./config";
import { billingTlsOptions, tlsAdvice } from "./tls";

/** A positional argument; null and undefined are sent as the literal `null`. */
export type BillingArg = string | number | null | undefined;

/** CLN_HOME_EDIT's P_OP. */
export const HomeOp = { edit: 0, add: 1, delete: 2 } as const;

/** CLN_HOME_EDIT's arguments after ID, in order. */
export interface HomeColumns {
  pull_id: BillingArg;
  connect_date: BillingArg;
  zip_code: BillingArg;
  country: BillingArg;
  city: BillingArg;
  region: BillingArg;
  street: BillingArg;
  s_number: BillingArg;
  s_liter: BillingArg;
}
const HOME_COLUMNS: Array<keyof HomeColumns> = ["pull_id", "connect_date", "zip_code", "country", "city", "region", "street", "s_number", "s_liter"];

/**
 * Assumed (undocumented): how the billing words a refused login or password. Errors that match
 * become {@link VendorAuthError}s naming the credential keys.
 */
const AUTH_ERROR = /парол|password|логин|login|имя пользователя|доступ|access denied|unauthori[sz]ed/i;

/**
 * The billing's cashier API: `GET <url>/api.php?cmd=execute&proc=NAME&arg1=…` with positional
 * arguments (the literal `null` for an absent value), over mutual TLS, XML answers in their declared
 * encoding. Credentials per {@link BillingConfig.authMode}: a SUID from CLN_AUTH_LOGIN as the first
 * argument, or `login`/`password` on every request. The password travels in the URL: the transport
 * never puts a query string in a message, and every message is redacted besides.
 */
export class BillingClient {
  constructor(
    private readonly transport: HttpTransport,
    private readonly context: { authMode: "session" | "per-call"; hasClientCertificate: boolean; hasCaCert: boolean },
  ) {}

  /** A client for the configured billing (stack config or environment), shared per process. */
  static fromConfig(): BillingClient {
    const config = billingConfig.load();
    if (!cached || cached.config !== config) cached = { config, client: BillingClient.create(config) };
    return cached.client;
  }

  static create(config: BillingConfig): BillingClient {
    const { hasClientCertificate, ...tls } = billingTlsOptions(config);
    let client: BillingClient | undefined;
    const auth =
      config.authMode === "per-call"
        ? perCallAuthenticator(config.login, config.password)
        : sessionAuthenticator(() => client!.login(config.login, config.password));
    const transport = new HttpTransport({
      vendor: "billing",
      baseUrl: config.url,
      timeoutMs: config.timeoutSeconds * 1000,
      maxRetries: config.maxRetries,
      maxConcurrentRequests: config.maxConcurrentRequests,
      tls,
      auth,
      // An answer carrying an <error> is the billing's verdict, whatever its status: not retried.
      isRetryableAnswer: (answer, request) =>
        errorOf(answer) === undefined && ([429, 502, 503, 504].includes(answer.status) || (answer.status >= 500 && request.idempotent)),
    });
    client = new BillingClient(transport, { authMode: config.authMode, hasClientCertificate, hasCaCert: config.caCert !== undefined });
    return client;
  }

  /** CLN_AUTH_LOGIN(login, password, 0) → SUID. The third argument is what the document's example sends. */
  async login(login: string, password: string): Promise<string> {
    const rows = await this.call(LOGIN_PROCEDURE, [login, password, 0], { idempotent: true });
    const suid = rows.find((row) => row["suid"])?.["suid"];
    if (!suid) {
      throw new VendorApiError(`billing ${LOGIN_PROCEDURE} answered without a <suid>; is billing:url the cashier web interface?`, {
        vendor: "billing",
        operation: LOGIN_PROCEDURE,
      });
    }
    return suid;
  }

  /**
   * CLN_HOME_EDIT(P_OP, ID, PULL_ID, CONNECT_DATE, ZIP_CODE, COUNTRY, CITY, REGION, STREET,
   * S_NUMBER, S_LITER). An add is not idempotent (never repeated once it may have arrived); an edit
   * sets every column, and a delete by ID, are.
   */
  async editHome(op: (typeof HomeOp)[keyof typeof HomeOp], id: number | null, columns: Partial<HomeColumns> = {}): Promise<BillingRow[]> {
    const args: BillingArg[] = [op, id, ...HOME_COLUMNS.map((column) => columns[column])];
    return this.call("CLN_HOME_EDIT", args, { idempotent: op !== HomeOp.add });
  }

  /** CLN_HOME_LIST(P_ID): every home, or the one with that ID. */
  async listHomes(id?: number): Promise<BillingRow[]> {
    return this.call("CLN_HOME_LIST", [id ?? null], { idempotent: true });
  }

  private async call(proc: string, args: BillingArg[], options: { idempotent: boolean }): Promise<BillingRow[]> {
    let answer: HttpAnswer;
    try {
      answer = await this.transport.send({
        operation: proc,
        method: "GET",
        path: "/api.php",
        query: [["cmd", "execute"], ["proc", proc], ...args.map((arg, index): [string, string] => [`arg${index + 1}`, arg === null || arg === undefined ? "null" : String(arg)])],
        headers: { accept: "text/xml, application/xml" },
        idempotent: options.idempotent,
      });
    } catch (error) {
      throw this.explainTransportFailure(error);
    }
    const details = { vendor: "billing" as const, operation: proc, httpStatus: answer.status };
    let parsed: ReturnType<typeof parseAnswer> | undefined;
    let text = "";
    try {
      text = decodeAnswer(answer.body, answer.headers["content-type"]);
      parsed = parseAnswer(text);
    } catch (error) {
      if (!(error instanceof NotXmlError)) throw error;
    }
    if (parsed?.error !== undefined) throw this.billingError(proc, parsed.error, details);
    if (answer.status >= 400 || !parsed) {
      if (/SSL certificate/i.test(text)) {
        // nginx's `ssl_verify_client on` answers HTTP 400 instead of failing the handshake.
        const advice = tlsAdvice({ code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" }, this.context);
        throw new VendorTransportError(`billing ${proc} failed: HTTP ${answer.status} "${firstLine(text)}" — ${advice!.advice}`, details);
      }
      const what = answer.status >= 400 ? `HTTP ${answer.status}` : "an answer that is not well-formed XML";
      // Without the billing's own <error>, a cut answer or a proxy's 5xx may follow a procedure that
      // ran: an add in that state must be looked up before it is sent again.
      const maybeApplied = !options.idempotent && (answer.status < 400 || answer.status >= 500);
      throw new VendorApiError(
        `billing ${proc} failed: ${what} (${JSON.stringify(redact(firstLine(text)))}); is billing:url (BILLING_URL) the cashier web interface, e.g. https://billing.example:1443?`,
        { ...details, retryable: answer.status >= 500 || answer.status === 429, outcomeUnknown: maybeApplied },
      );
    }
    return parsed.rows;
  }

  private billingError(proc: string, message: string, details: { vendor: "billing"; operation: string; httpStatus: number }): VendorApiError {
    const said = `billing ${proc} failed: "${message}"`;
    const credentials = "Check the API administrator's credentials: billing:login / BILLING_LOGIN and billing:password / BILLING_PASSWORD.";
    if (proc === LOGIN_PROCEDURE) return new VendorAuthError(`${said}. ${credentials}`, details);
    // Session errors first: their text may name CLN_AUTH_LOGIN, which is not a refused password.
    if (SESSION_ERROR.test(message)) {
      const fix =
        this.context.authMode === "per-call"
          ? "billing:authMode is per-call, but this billing still asks for a session: it may be older than 3.9.7 — set billing:authMode to session."
          : "The session was renewed once and the billing still refuses it.";
      return new VendorAuthError(`${said}. ${fix}`, details);
    }
    if (AUTH_ERROR.test(message)) return new VendorAuthError(`${said}. ${credentials}`, details);
    return new VendorApiError(said, details);
  }

  /** Adds what to fix to a TLS failure; keeps the flags that tell whether the request may have been applied. */
  private explainTransportFailure(error: unknown): unknown {
    if (!(error instanceof VendorApiError)) return error;
    const advice = tlsAdvice(error, this.context);
    if (!advice) return error;
    const changes = {
      vendorAdvice: advice.advice,
      replacesGenericAdvice: advice.definite,
      retryable: advice.definite ? false : error.retryable,
      outcomeUnknown: advice.definite ? false : error.outcomeUnknown,
    };
    if (error instanceof VendorTransportError) return error.with(changes);
    return new VendorTransportError(`${error.message} — ${advice.advice}`, {
      vendor: "billing",
      operation: error.operation,
      httpStatus: error.httpStatus,
      retryable: changes.retryable,
      outcomeUnknown: changes.outcomeUnknown,
      cause: error,
    });
  }
}

let cached: { config: BillingConfig; client: BillingClient } | undefined;

function errorOf(answer: HttpAnswer): string | undefined {
  try {
    return parseAnswer(decodeAnswer(answer.body, answer.headers["content-type"])).error;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  const plain = text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
  return plain.length > 120 ? `${plain.slice(0, 120)}…` : plain;
}
