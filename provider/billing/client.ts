import { VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { withKeyLock } from "../core/key-lock";
import { redact } from "../core/redact";
import { HttpTransport, type HttpAnswer } from "../core/transport";
import { decodeAnswer, NotXmlError, parseAnswer, type BillingRow } from "./answer";
import { LOGIN_PROCEDURE, perCallAuthenticator, SESSION_ERROR, sessionAuthenticator } from "./auth";
import { billingConfig, type BillingConfig } from "./config";
import { recordReader, type RecordReader } from "./records";
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

/** CLN_SWITCH_EDIT's P_OP: "2 - удаление, 1 добавление 0 - обновление существующего". */
export const SwitchOp = { update: 0, add: 1, delete: 2 } as const;

/** CLN_SWITCH_EDIT's arguments after ID, in order. */
export interface SwitchColumns {
  name: BillingArg;
  /** The wire INTEGER (see ip.ts). */
  ip: BillingArg;
  switch_type: BillingArg;
  psw_snmp: BillingArg;
  psw_ssh: BillingArg;
  psw_telnet: BillingArg;
  home_id: BillingArg;
  ports_cnt: BillingArg;
  update_home_flag: BillingArg;
}
const SWITCH_COLUMNS: Array<keyof SwitchColumns> = ["name", "ip", "switch_type", "psw_snmp", "psw_ssh", "psw_telnet", "home_id", "ports_cnt", "update_home_flag"];

/** CLN_USR_FIND_2's 24 arguments after SUID, in order ("по одному из полей"). */
export const FIND_PARAMS = [
  "NAME_IN",
  "LOGIN_IN",
  "ID_IN",
  "EMAIL_IN",
  "IP_IN",
  "FINANCE_IN",
  "SERVER_IN",
  "ADMIN_IN",
  "BALANCEL_IN",
  "BALANCEH_IN",
  "PARENT_ID_IN",
  "END_USER_IN",
  "COUNT_USER_IN",
  "ALL_IN",
  "DELETED_IN",
  "ATTRIBUTE",
  "CONTRACT_NUMBER_IN",
  "TARIFF_ID",
  "ROUTER_IP",
  "ROUTER_VLAN",
  "ROUTER_PORT",
  "SIP_ID",
  "SMS_IN",
  "NAS_IP",
] as const;
export type FindCriteria = Partial<Record<(typeof FIND_PARAMS)[number], BillingArg>>;

/**
 * Columns whose values are credentials: CLN_USR_GET's PSW, GEN_PWD and AD_PASS, CLN_SWITCH_LIST's
 * PSW_SNMP/PSW_SSH/PSW_TELNET, and anything a newer billing adds that is named like one. They are
 * dropped from every answer as it is parsed (unless a caller that must re-send them asks to keep
 * them), and masked in any answer text an error quotes.
 */
export const SECRET_COLUMN = /psw|pwd|pass|secret|token/i;


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
  /** Homes by ID: refresh reads coalesced into one CLN_HOME_LIST, writes' reads by ID (see records.ts). */
  readonly homes: RecordReader<BillingRow>;
  /** Switches the same way through CLN_SWITCH_LIST; rows without the passwords. */
  readonly switches: RecordReader<BillingRow>;

  constructor(
    private readonly transport: HttpTransport,
    readonly context: {
      authMode: "session" | "per-call";
      hasClientCertificate: boolean;
      hasCaCert: boolean;
      contractNumberSearch?: "exact" | "substring" | "like";
    },
  ) {
    this.homes = recordReader({ idOf: rowId, one: (id) => this.listHomes(id), all: () => this.listHomes() });
    this.switches = recordReader({ idOf: rowId, one: (id) => this.listSwitches({ id }), all: () => this.listSwitches() });
  }

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
    client = new BillingClient(transport, {
      authMode: config.authMode,
      hasClientCertificate,
      hasCaCert: config.caCert !== undefined,
      contractNumberSearch: config.contractNumberSearch,
    });
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
    try {
      return await this.call("CLN_HOME_EDIT", args, { idempotent: op !== HomeOp.add });
    } finally {
      // Even a failed edit may have been applied: the next read must not come from an older list.
      this.homes.invalidate();
    }
  }

  /** CLN_HOME_LIST(P_ID): every home, or the one with that ID. */
  async listHomes(id?: number): Promise<BillingRow[]> {
    return this.call("CLN_HOME_LIST", [id ?? null], { idempotent: true });
  }

  /**
   * CLN_SWITCH_EDIT(P_OP, ID, NAME, IP, SWITCH_TYPE, PSW_SNMP, PSW_SSH, PSW_TELNET, HOME_ID,
   * PORTS_CNT, UPDATE_HOME_FLAG). Every call restarts the billing's dhcpd, so callers send one only
   * when something changes, and this process sends them one at a time (restarts never overlap).
   * An add is not idempotent; an update (every column) and a delete by ID are.
   */
  async editSwitch(op: (typeof SwitchOp)[keyof typeof SwitchOp], id: number | null, columns: Partial<SwitchColumns> = {}): Promise<BillingRow[]> {
    const args: BillingArg[] = [op, id, ...SWITCH_COLUMNS.map((column) => columns[column])];
    return withKeyLock("billing:CLN_SWITCH_EDIT", async () => {
      try {
        return await this.call("CLN_SWITCH_EDIT", args, { idempotent: op !== SwitchOp.add });
      } finally {
        this.switches.invalidate();
      }
    });
  }

  /**
   * CLN_SWITCH_LIST(P_ID, P_HOME_ID): every switch, the one with that ID, or a home's. The password
   * columns are dropped unless `withPasswords` (only an update, which must re-send the ones the
   * program does not declare, asks for them).
   */
  async listSwitches(filter: { id?: number; homeId?: number } = {}, options: { withPasswords?: boolean } = {}): Promise<BillingRow[]> {
    return this.call("CLN_SWITCH_LIST", [filter.id ?? null, filter.homeId ?? null], {
      idempotent: true,
      ...(options.withPasswords ? { keepColumns: ["psw_snmp", "psw_ssh", "psw_telnet"] } : {}),
    });
  }

  /** CLN_USR_GET(SELECT_ID): the user's row (password-like columns dropped), or undefined. */
  async getUser(id: number): Promise<BillingRow | undefined> {
    return (await this.call("CLN_USR_GET", [id], { idempotent: true })).find((row) => row["user_id"] === String(id));
  }

  /** CLN_USR_FIND_2 with the given criteria (the others NULL). */
  async findUsers(criteria: FindCriteria): Promise<BillingRow[]> {
    return this.call("CLN_USR_FIND_2", FIND_PARAMS.map((name) => criteria[name]), { idempotent: true });
  }

  private async call(proc: string, args: BillingArg[], options: { idempotent: boolean; keepColumns?: readonly string[] }): Promise<BillingRow[]> {
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
        throw new VendorTransportError(`billing ${proc} failed: HTTP ${answer.status} "${quote(text)}" — ${advice!.advice}`, details);
      }
      const what = answer.status >= 400 ? `HTTP ${answer.status}` : "an answer that is not well-formed XML";
      // Without the billing's own <error>, a cut answer or a proxy's 5xx may follow a procedure that
      // ran: an add in that state must be looked up before it is sent again.
      const maybeApplied = !options.idempotent && (answer.status < 400 || answer.status >= 500);
      throw new VendorApiError(
        `billing ${proc} failed: ${what} (${JSON.stringify(redact(quote(text)))}); is billing:url (BILLING_URL) the cashier web interface, e.g. https://billing.example:1443?`,
        { ...details, retryable: answer.status >= 500 || answer.status === 429, outcomeUnknown: maybeApplied },
      );
    }
    const keep = new Set(options.keepColumns ?? []);
    return parsed.rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => keep.has(column) || !SECRET_COLUMN.test(column))));
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
          : "The session was renewed once and the billing still refuses it: run `pulumi up` again; if it keeps happening, check that " +
            "nothing else logs this API user out (billing:login / BILLING_LOGIN) and the billing's session timeout.";
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

function rowId(row: BillingRow): number | undefined {
  const id = row["id"];
  return id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined;
}

/**
 * The start of an answer for an error message, credential columns masked (`<psw>x</psw>` →
 * `<psw>***</psw>`, also when the answer was cut inside the value): a cut CLN_SWITCH_LIST or
 * CLN_USR_GET answer must not put a password into an error.
 */
function quote(text: string): string {
  return firstLine(text.replace(/<([A-Za-z_][\w.-]*)>[^<]*/g, (match, name: string) => (SECRET_COLUMN.test(name) ? `<${name}>***` : match)));
}

function firstLine(text: string): string {
  const plain = text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
  return plain.length > 120 ? `${plain.slice(0, 120)}…` : plain;
}
