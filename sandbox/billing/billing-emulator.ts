import { randomInt } from "node:crypto";
import {
  ADMIN_PREFIX,
  AdminRequestError,
  jsonObjectOf,
  jsonResponse,
  sameSecret,
  VendorEmulator,
  type ListenOptions,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
} from "../core";
import { generateBillingCertificates, type BillingCertificates } from "./billing-certificates";
import { BillingHomeStore, type BillingHome, type BillingHomeFields } from "./billing-homes";
import {
  BillingError,
  DOCUMENTED_PROCEDURES,
  homeEdit,
  homeFields,
  homeList,
  switchEdit,
  switchFields,
  switchList,
  usrFind,
  usrGet,
  type Arg,
  type BillingProcedure,
  type FindMatching,
  type ProcedureContext,
} from "./billing-procedures";
import { BillingSwitchStore, SWITCH_PASSWORD_POSITIONS, type BillingSwitch, type BillingSwitchFields } from "./billing-switches";
import { seedBilling, type BillingSeedOptions } from "./billing-seed";
import { BillingUserStore, type BillingUser, type BillingUserInput } from "./billing-users";
import { xmlAnswer, type BillingElementNames, type BillingEncoding, type BillingRow } from "./billing-xml";

/** The cashier web interface's script. */
export const API_PATH = "/api.php";

export interface BillingEmulatorOptions {
  /** The API administrator's login (CLN_AUTH_LOGIN's first argument, or `login=`). */
  login: string;
  /** … and password. Never echoed in answers or the request log. */
  password: string;
  /** Certificates for mutual TLS; default: generated at construction. */
  certificates?: BillingCertificates;
  /**
   * How a request without a client certificate from the operator's CA is refused: "handshake" (the
   * TLS handshake fails, as a server set to require and verify client certificates does) or "http"
   * (the handshake completes and the server answers HTTP 400, as nginx's `ssl_verify_client on`
   * does). Default "handshake".
   */
  clientCertCheck?: "handshake" | "http";
  /** A session (SUID) expires after this long without use. Default 30 minutes. */
  sessionTtlMs?: number;
  /** Encoding of the XML answers (declared in the XML declaration and Content-Type). Default windows-1251. */
  encoding?: BillingEncoding;
  /** Root and row element names. Default `<result>` / `<row>`. */
  elementNames?: BillingElementNames;
  /** Whether an add (CLN_HOME_EDIT or CLN_SWITCH_EDIT P_OP 1) answers the new `<id>`. Default true. */
  addAnswersId?: boolean;
  /** Whether CLN_SWITCH_LIST rows carry psw_snmp, psw_ssh and psw_telnet (the document lists no columns). Default true. */
  switchListPasswords?: boolean;
  /** How CLN_USR_FIND_2 matches its text arguments: "containing" (default), "exact" or "like". */
  findMatching?: FindMatching;
  /** Accept `login=`/`password=` on every request instead of a SUID (billing 3.9.7+). Default true. */
  perCallAuth?: boolean;
  /** HTTP status of `<error>` answers. Default 200 (errors inside a successful HTTP answer). */
  errorStatus?: number;
  /** How CLN_HOME_LIST renders CONNECT_DATE: "iso" `2024-03-01 00:00:00` (default) or "ru" `01.03.2024 00:00:00`. */
  dateFormat?: "iso" | "ru";
  /** IP pools (PULL_ID values) that exist. Default 1, 2, 3. */
  ipPools?: readonly number[];
  /** ID of the first home created. Default 101. */
  firstHomeId?: number;
  /** ID of the first switch created. Default 501. */
  firstSwitchId?: number;
  /** ID of the first user (subscriber or group) created. Default 1001. */
  firstUserId?: number;
  /** Clock, for tests of session expiry. */
  now?: () => number;
}

/** Behaviour that may change while the emulator runs (`PATCH /__sandbox/settings`); `reset()` restores it. */
export type BillingSettings = Required<
  Pick<BillingEmulatorOptions, "sessionTtlMs" | "encoding" | "elementNames" | "addAnswersId" | "perCallAuth" | "errorStatus" | "dateFormat" | "switchListPasswords" | "findMatching">
>;

/** A JSON snapshot of the emulator, served at `GET /__sandbox/state`. */
export interface BillingState {
  homes: BillingHome[];
  nextHomeId: number;
  /** Switches, passwords masked. */
  switches: BillingSwitch[];
  /** How many subscribers and groups there are (their rows hold passwords: see `GET /__sandbox/users/<id>`). */
  users: number;
  /** How many times CLN_SWITCH_EDIT restarted dhcpd. */
  dhcpRestarts: number;
  /** How many sessions are open (their SUIDs are secrets and not shown). */
  sessions: number;
  settings: BillingSettings;
}

/** A home as tests and the admin routes give it: columns by name, NULL as null or absent. */
export type BillingHomeInput = { STREET: string } & Partial<Omit<BillingHomeFields, "STREET">>;

/** A switch as tests and the admin routes give it. */
export type BillingSwitchInput = { NAME: string } & Partial<Omit<BillingSwitchFields, "NAME">>;

/**
 * An in-memory ISP billing cashier interface (`api.php`): HTTPS with client certificates required,
 * `GET api.php?cmd=execute&proc=NAME&arg1=…` with positional arguments, sessions from
 * CLN_AUTH_LOGIN (SUID as the first argument) or `login=`/`password=` per call, XML answers in
 * windows-1251. Implements CLN_AUTH_LOGIN, CLN_HOME_EDIT, CLN_HOME_LIST, CLN_SWITCH_EDIT (counting
 * the dhcpd restarts each call causes), CLN_SWITCH_LIST, CLN_USR_GET and CLN_USR_FIND_2; the other
 * documented procedures (CLN_USR_USLUGA_EDIT, payments) answer an error "not implemented by the sandbox".
 *
 * Order of checks (the document gives none): client certificate (TLS) → `cmd=execute` and a known
 * procedure → credentials (SUID alive, or login/password) → the procedure's own validation.
 */
export class BillingEmulator extends VendorEmulator {
  readonly certificates: BillingCertificates;
  /** Mutable at run time (also over `PATCH /__sandbox/settings`). */
  readonly behaviour: BillingSettings;
  private readonly options: Required<Pick<BillingEmulatorOptions, "login" | "password" | "clientCertCheck" | "ipPools" | "now">>;
  private readonly initialBehaviour: BillingSettings;
  private readonly store: BillingHomeStore;
  private readonly switchStore: BillingSwitchStore;
  private readonly userStore: BillingUserStore;
  /** SUID → last use (epoch ms). */
  private readonly sessions = new Map<string, number>();
  private restarts = 0;

  constructor(options: BillingEmulatorOptions) {
    super({ vendor: "billing" });
    if (!options.login || !options.password) throw new Error("BillingEmulator needs login and password");
    this.certificates = options.certificates ?? generateBillingCertificates();
    this.options = {
      login: options.login,
      password: options.password,
      clientCertCheck: options.clientCertCheck ?? "handshake",
      ipPools: options.ipPools ?? [1, 2, 3],
      now: options.now ?? Date.now,
    };
    this.behaviour = {
      sessionTtlMs: options.sessionTtlMs ?? 30 * 60 * 1000,
      encoding: options.encoding ?? "windows-1251",
      elementNames: options.elementNames ?? { root: "result", row: "row" },
      addAnswersId: options.addAnswersId ?? true,
      perCallAuth: options.perCallAuth ?? true,
      errorStatus: options.errorStatus ?? 200,
      dateFormat: options.dateFormat ?? "iso",
      switchListPasswords: options.switchListPasswords ?? true,
      findMatching: options.findMatching ?? "containing",
    };
    this.initialBehaviour = structuredClone(this.behaviour);
    this.store = new BillingHomeStore(options.firstHomeId ?? 101);
    this.switchStore = new BillingSwitchStore(options.firstSwitchId ?? 501);
    this.userStore = new BillingUserStore(options.firstUserId ?? 1001);
  }

  /** How many times dhcpd was restarted: once per CLN_SWITCH_EDIT that ran, changed or not. */
  get dhcpRestarts(): number {
    return this.restarts;
  }

  /** Starts HTTPS with the emulator's certificates (client certificates required). */
  override start(options: Omit<ListenOptions, "tls"> = {}): Promise<string> {
    return super.start({
      ...options,
      tls: {
        key: this.certificates.server.key,
        cert: this.certificates.server.cert,
        ca: this.certificates.ca.cert,
        requestCert: true,
        requireClientCert: this.options.clientCertCheck === "handshake",
      },
    });
  }

  override state(): BillingState {
    const masked = (v: string | null) => (v === null ? null : "***");
    return {
      homes: this.store.list(),
      nextHomeId: this.store.nextHomeId,
      switches: this.switchStore.list().map((row) => ({ ...row, PSW_SNMP: masked(row.PSW_SNMP), PSW_SSH: masked(row.PSW_SSH), PSW_TELNET: masked(row.PSW_TELNET) })),
      users: this.userStore.list().length,
      dhcpRestarts: this.restarts,
      sessions: this.sessions.size,
      settings: structuredClone(this.behaviour),
    };
  }

  /** Empties homes, switches, users and sessions, zeroes the dhcpd counter, and restores the behaviour the emulator was constructed with. */
  protected override resetState(): void {
    this.store.reset();
    this.switchStore.reset();
    this.userStore.reset();
    this.restarts = 0;
    this.sessions.clear();
    Object.assign(this.behaviour, structuredClone(this.initialBehaviour));
  }

  /** Ends every session, as the billing does after its idle timeout (or a restart). */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Homes behind the API's back: what an operator does in the billing's own interface. */
  readonly homes = {
    list: (): BillingHome[] => this.store.list(),
    get: (id: number): BillingHome | undefined => this.store.get(id),
    add: (home: BillingHomeInput): BillingHome => this.store.create(this.validateHome(home)),
    /** Changes the given columns of a home; throws when it does not exist or a value is invalid. */
    patch: (id: number, changes: Partial<BillingHomeFields>): BillingHome => {
      const current = this.store.get(id);
      if (!current) throw new AdminRequestError(`home ${id} does not exist`);
      const { ID: _id, ...fields } = current;
      this.store.replace(id, this.validateHome({ ...fields, ...changes }));
      return this.store.get(id)!;
    },
    delete: (id: number): boolean => this.store.delete(id),
  };

  /** Switches behind the API's back (no dhcpd restart: the counter is the API's). */
  readonly switches = {
    list: (): BillingSwitch[] => this.switchStore.list(),
    get: (id: number): BillingSwitch | undefined => this.switchStore.get(id),
    add: (row: BillingSwitchInput): BillingSwitch => this.switchStore.create(this.validateSwitch(row)),
    patch: (id: number, changes: Partial<BillingSwitchFields>): BillingSwitch => {
      const current = this.switchStore.get(id);
      if (!current) throw new AdminRequestError(`switch ${id} does not exist`);
      const { ID: _id, ...fields } = current;
      this.switchStore.replace(id, this.validateSwitch({ ...fields, ...changes }));
      return this.switchStore.get(id)!;
    },
    delete: (id: number): boolean => this.switchStore.delete(id),
  };

  /** Subscribers and groups (the document has no procedure that creates them: the billing's own interface does). */
  readonly users = {
    list: (): BillingUser[] => this.userStore.list(),
    get: (id: number): BillingUser | undefined => this.userStore.get(id),
    add: (row: BillingUserInput): BillingUser => this.userStore.create(row),
    patch: (id: number, changes: BillingUserInput): BillingUser => {
      if (!this.userStore.patch(id, changes)) throw new AdminRequestError(`user ${id} does not exist`);
      return this.userStore.get(id)!;
    },
    delete: (id: number): boolean => this.userStore.delete(id),
  };

  protected override secretValues(): readonly string[] {
    return [this.options.password, ...this.sessions.keys()];
  }

  // The password of CLN_AUTH_LOGIN and the SUID are positional (`arg2`, `arg1`): the key pattern
  // cannot see them, so they are hidden here, whatever their value.
  protected override redactLoggedParams(request: SandboxRequest, params: Record<string, unknown>): Record<string, unknown> {
    const out = { ...params };
    const session = request.query["login"] === undefined;
    if (request.query["proc"] === "CLN_AUTH_LOGIN") {
      if ("arg2" in out) out["arg2"] = "***";
    } else if (session && "arg1" in out) {
      out["arg1"] = "***";
    }
    // CLN_SWITCH_EDIT's PSW_SNMP, PSW_SSH and PSW_TELNET (after the SUID in session mode); NULL stays visible.
    if (request.query["proc"] === "CLN_SWITCH_EDIT") {
      for (const position of SWITCH_PASSWORD_POSITIONS) {
        const key = `arg${position + (session ? 1 : 0)}`;
        if (key in out && out[key] !== "null") out[key] = "***";
      }
    }
    return out;
  }

  protected override vendorRoutes(): readonly Route[] {
    return [
      ...DOCUMENTED_PROCEDURES.map((procedure) => ({
        name: procedure,
        method: "GET",
        path: API_PATH,
        query: { cmd: "execute", proc: procedure },
        handler: (request: SandboxRequest) => this.guarded(request, () => this.execute(procedure, request)),
      })),
      // Anything else that reaches api.php: another cmd, an unknown procedure.
      {
        name: "api.php",
        method: "GET",
        path: API_PATH,
        handler: (request: SandboxRequest) =>
          this.guarded(request, () => {
            if (request.query["cmd"] !== "execute") throw new BillingError(`unknown cmd ${JSON.stringify(request.query["cmd"] ?? "")}`);
            throw new BillingError(`Procedure unknown: ${request.query["proc"] ?? "(none)"}`);
          }),
      },
    ];
  }

  protected override methodNotAllowed(request: SandboxRequest, allowed: string[]): SandboxResponse {
    return { ...this.error(new BillingError(`${request.method} is not supported; api.php takes GET`)), status: 405, headers: { allow: allowed.join(", ") } };
  }

  protected override notFound(request: SandboxRequest): SandboxResponse {
    return { status: 404, headers: { "content-type": "text/html; charset=utf-8" }, body: `<html><body><h1>404 Not Found</h1>${escapeHtml(request.path)}</body></html>` };
  }

  protected override extraAdminRoutes(): readonly Route[] {
    const byId = new RegExp(`^${ADMIN_PREFIX}/homes/(?<id>\\d+)$`);
    const homeOr404 = (request: SandboxRequest, answer: (id: number) => unknown): SandboxResponse => {
      const id = Number(request.pathParams["id"]);
      if (!this.store.get(id)) return jsonResponse(404, { error: `home ${id} does not exist` });
      return jsonResponse(200, answer(id));
    };
    const switchById = new RegExp(`^${ADMIN_PREFIX}/switches/(?<id>\\d+)$`);
    const switchOr404 = (request: SandboxRequest, answer: (id: number) => unknown): SandboxResponse => {
      const id = Number(request.pathParams["id"]);
      if (!this.switchStore.get(id)) return jsonResponse(404, { error: `switch ${id} does not exist` });
      return jsonResponse(200, answer(id));
    };
    const userById = new RegExp(`^${ADMIN_PREFIX}/users/(?<id>\\d+)$`);
    return [
      { name: "admin.homes.add", method: "POST", path: `${ADMIN_PREFIX}/homes`, handler: (request) => jsonResponse(200, this.homes.add(jsonObjectOf(request) as BillingHomeInput)) },
      { name: "admin.homes.get", method: "GET", path: byId, handler: (request) => homeOr404(request, (id) => this.homes.get(id)) },
      { name: "admin.homes.patch", method: "PATCH", path: byId, handler: (request) => homeOr404(request, (id) => this.homes.patch(id, jsonObjectOf(request))) },
      { name: "admin.homes.delete", method: "DELETE", path: byId, handler: (request) => homeOr404(request, (id) => ({ ok: this.homes.delete(id) })) },
      { name: "admin.switches.add", method: "POST", path: `${ADMIN_PREFIX}/switches`, handler: (request) => jsonResponse(200, this.switches.add(jsonObjectOf(request) as BillingSwitchInput)) },
      { name: "admin.switches.get", method: "GET", path: switchById, handler: (request) => switchOr404(request, (id) => this.switches.get(id)) },
      { name: "admin.switches.patch", method: "PATCH", path: switchById, handler: (request) => switchOr404(request, (id) => this.switches.patch(id, jsonObjectOf(request))) },
      { name: "admin.switches.delete", method: "DELETE", path: switchById, handler: (request) => switchOr404(request, (id) => ({ ok: this.switches.delete(id) })) },
      {
        name: "admin.users.get",
        method: "GET",
        path: userById,
        handler: (request) => {
          const user = this.users.get(Number(request.pathParams["id"]));
          return user ? jsonResponse(200, user) : jsonResponse(404, { error: `user ${request.pathParams["id"]} does not exist` });
        },
      },
      {
        name: "admin.seed",
        method: "POST",
        path: `${ADMIN_PREFIX}/seed`,
        handler: (request) => {
          const options = jsonObjectOf(request) as unknown as BillingSeedOptions;
          if (!Number.isInteger(options.subscribers) || options.subscribers < 0) throw new AdminRequestError("seed needs { subscribers: <a whole number> }");
          const seeded = seedBilling(this, options);
          return jsonResponse(200, { groups: seeded.groups.length, homes: seeded.homes.length, switches: seeded.switches.length, subscribers: seeded.subscribers.length });
        },
      },
      {
        name: "admin.sessions.expire",
        method: "POST",
        path: `${ADMIN_PREFIX}/sessions/expire`,
        handler: () => {
          this.expireSessions();
          return jsonResponse(200, { ok: true });
        },
      },
      {
        name: "admin.settings",
        method: "PATCH",
        path: `${ADMIN_PREFIX}/settings`,
        handler: (request) => {
          const changes = jsonObjectOf(request);
          const unknown = Object.keys(changes).filter((key) => !(key in this.behaviour));
          if (unknown.length > 0) throw new AdminRequestError(`unknown setting(s): ${unknown.join(", ")}; known: ${Object.keys(this.behaviour).join(", ")}`);
          Object.assign(this.behaviour, changes);
          return jsonResponse(200, this.behaviour);
        },
      },
    ];
  }

  /** The client-certificate check of the "http" mode, then the handler; BillingErrors become `<error>` answers. */
  private guarded(request: SandboxRequest, run: () => BillingRow[]): SandboxResponse {
    if (this.options.clientCertCheck === "http" && request.clientCertificate?.authorized !== true) {
      // nginx's words for `ssl_verify_client on`.
      const reason = request.clientCertificate?.subject ? "The SSL certificate error" : "No required SSL certificate was sent";
      return {
        status: 400,
        headers: { "content-type": "text/html" },
        body: `<html><head><title>400 ${reason}</title></head><body><center><h1>400 Bad Request</h1></center><center>${reason}</center></body></html>`,
      };
    }
    try {
      return this.rows(run());
    } catch (error) {
      if (error instanceof BillingError) return this.error(error);
      throw error;
    }
  }

  private execute(procedure: BillingProcedure, request: SandboxRequest): BillingRow[] {
    const query = request.query;
    const positional = (from: number): Arg[] => {
      const args: Arg[] = [];
      for (let n = from; n <= 40; n++) {
        const value = query[`arg${n}`];
        args.push(value === undefined || value === "null" ? null : value);
      }
      return args;
    };
    if (procedure === "CLN_AUTH_LOGIN") {
      const [login, password] = positional(1);
      return [{ suid: this.login(login ?? null, password ?? null) }];
    }
    let args: Arg[];
    if (this.behaviour.perCallAuth && query["login"] !== undefined) {
      // Billing 3.9.7+: credentials on the request, the SUID argument dropped.
      if (!this.credentialsMatch(query["login"], query["password"] ?? null)) throw wrongCredentials();
      args = positional(1);
    } else {
      this.touchSession(query["arg1"]);
      args = positional(2);
    }
    const context = this.context();
    switch (procedure) {
      case "CLN_HOME_EDIT":
        return homeEdit(args, context);
      case "CLN_HOME_LIST":
        return homeList(args, context);
      case "CLN_SWITCH_EDIT":
        return switchEdit(args, context);
      case "CLN_SWITCH_LIST":
        return switchList(args, context);
      case "CLN_USR_GET":
        return usrGet(args, context);
      case "CLN_USR_FIND_2":
        return usrFind(args, context);
      default:
        throw new BillingError(`${procedure} is not implemented by the sandbox`);
    }
  }

  private login(login: Arg, password: Arg): string {
    if (!this.credentialsMatch(login, password)) throw wrongCredentials();
    // SUID numeric(18,0): a large random number, never reused.
    let suid: string;
    do suid = String(randomInt(1, 2 ** 47)) + String(randomInt(100, 999));
    while (this.sessions.has(suid));
    this.sessions.set(suid, this.options.now());
    return suid;
  }

  // The document does not say what an expired or unknown SUID gets; the sandbox answers an
  // `<error>` that speaks of the session (like every other error: under `errorStatus`).
  private touchSession(suid: string | undefined): void {
    const now = this.options.now();
    const lastUse = suid === undefined ? undefined : this.sessions.get(suid);
    if (suid === undefined || lastUse === undefined || now - lastUse > this.behaviour.sessionTtlMs) {
      if (suid !== undefined) this.sessions.delete(suid);
      throw new BillingError("Сессия не найдена или истекла (SUID). Войдите заново: CLN_AUTH_LOGIN");
    }
    this.sessions.set(suid, now);
  }

  private credentialsMatch(login: Arg, password: Arg): boolean {
    return login !== null && password !== null && sameSecret(login, this.options.login) && sameSecret(password, this.options.password);
  }

  private context(): ProcedureContext {
    return {
      homes: this.store,
      switches: this.switchStore,
      users: this.userStore,
      ipPools: this.options.ipPools,
      encoding: this.behaviour.encoding,
      addAnswersId: this.behaviour.addAnswersId,
      dateFormat: this.behaviour.dateFormat,
      switchListPasswords: this.behaviour.switchListPasswords,
      findMatching: this.behaviour.findMatching,
      restartDhcp: () => {
        this.restarts++;
      },
    };
  }

  private validateHome(home: Partial<BillingHomeFields>): BillingHomeFields {
    const named: Record<string, Arg> = {};
    for (const [key, value] of Object.entries(home)) named[key] = value === null || value === undefined ? null : String(value);
    try {
      return homeFields(named, { ipPools: this.options.ipPools, encoding: this.behaviour.encoding });
    } catch (error) {
      if (error instanceof BillingError) throw new AdminRequestError(error.message);
      throw error;
    }
  }

  private validateSwitch(row: Partial<BillingSwitchFields>): BillingSwitchFields {
    const named: Record<string, Arg> = {};
    for (const [key, value] of Object.entries(row)) named[key] = value === null || value === undefined ? null : String(value);
    try {
      return switchFields(named, { homes: this.store, encoding: this.behaviour.encoding });
    } catch (error) {
      if (error instanceof BillingError) throw new AdminRequestError(error.message);
      throw error;
    }
  }

  private rows(rows: BillingRow[]): SandboxResponse {
    return xmlAnswer({ rows }, { encoding: this.behaviour.encoding, names: this.behaviour.elementNames });
  }

  private error(error: BillingError): SandboxResponse {
    return xmlAnswer({ error: error.message }, { encoding: this.behaviour.encoding, names: this.behaviour.elementNames, status: this.behaviour.errorStatus });
  }
}

/** Creates a billing emulator and starts it (default `127.0.0.1`, a free port). */
export async function startBillingEmulator(options: BillingEmulatorOptions, listen: Omit<ListenOptions, "tls"> = {}): Promise<BillingEmulator> {
  const emulator = new BillingEmulator(options);
  await emulator.start(listen);
  return emulator;
}

// The same answer for a wrong login and a wrong password; neither is echoed.
function wrongCredentials(): BillingError {
  return new BillingError("Неверное имя пользователя или пароль");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

