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
import { phpFormFields } from "./php-form";
import { accountAnswer, WRITABLE_FIELDS, type StalkerAccountRecord } from "./stalker-account";
import { StalkerAccountStore, StalkerError, type StalkerWrite } from "./stalker-account-store";
import { getModules, getSubscriptions, putModules, putSubscriptions } from "./stalker-boxes";
import { channelAnswer, DEFAULT_CHANNELS, StalkerChannelStore, type StalkerChannel } from "./stalker-channels";
import { seedStalker, type StalkerSeedOptions, type StalkerSeedSummary } from "./stalker-seed";

/** Where the REST API lives under the server's root: `<root>/stalker_portal/api/<resource>/<ids>`. */
export const STALKER_API_PREFIX = "/stalker_portal/api";

/** Tariff plans (external ids) a fresh emulator knows; the document's examples use FULL and STANDART. */
export const DEFAULT_TARIFF_PLANS: readonly string[] = ["FULL", "STANDART", "BASIC"];

export interface StalkerEmulatorOptions {
  /** The API user of basic authentication. */
  user: string;
  /** ... and its password. Never echoed in answers or the request log. */
  password: string;
  /** External ids of the tariff plans `tariff_plan` may name. Default {@link DEFAULT_TARIFF_PLANS}. */
  tariffPlans?: readonly string[];
  /** The channels of the ITV resource. Default {@link DEFAULT_CHANNELS}. */
  channels?: readonly StalkerChannel[];
}

/** Fields the sandbox admin may set on an account besides the writable ones (what a box reports). */
export interface StalkerAccountExtras {
  stb_sn?: string;
  stb_type?: string;
  online?: 0 | 1;
  subscribed?: string[];
  additional_services_on?: 0 | 1;
  /** The box's optional channels (ITV_SUBSCRIPTION); `null` removes its subscription row. */
  sub_ch?: string[] | null;
  modules_disabled?: string[];
  modules_restricted?: string[];
}

/** An account as the admin routes take it: any writable field (login required to add) plus the extras. */
export type StalkerAccountSeed = StalkerWrite & StalkerAccountExtras;

/** A JSON snapshot of the emulator, served at `GET /__sandbox/state` (passwords included: it is a sandbox). */
export interface StalkerState {
  accounts: StalkerAccountRecord[];
  tariffPlans: string[];
  channels: StalkerChannel[];
}

/** `<prefix>/<resource>[/<ids>][/]`. */
const resourcePath = (resource: string) => new RegExp(`^${STALKER_API_PREFIX}/${resource}(?:/(?<ids>[^/]*))?/?$`);
const ACCOUNTS_PATH = resourcePath("accounts");
/** The resources the sandbox emulates besides ACCOUNTS, with the methods each supports. */
const BOX_RESOURCES = ["itv", "itv_subscription", "stb_modules"] as const;
/** How Stalker's v1 names the action of each method in its "does not support action" error. */
const ACTIONS: Record<string, string> = { GET: "get", POST: "create", PUT: "update", DELETE: "delete" };
const ANY_RESOURCE_PATH = new RegExp(`^${STALKER_API_PREFIX}/(?<resource>[^/]+)(?:/.*)?$`);

/**
 * An in-memory Stalker Middleware REST API v1 — resources ACCOUNTS, ITV, ITV_SUBSCRIPTION and
 * STB_MODULES — as the vendor document and design.md describe it:
 * - basic authentication on every request; without it or with wrong credentials HTTP 401,
 *   `WWW-Authenticate: Basic`, and `{"status":"ERROR","results":"","error":"401 Unauthorized request"}`;
 * - every other answer is HTTP 200 with `status` "OK" or "ERROR" (and `error` saying why);
 * - bodies are read as application/x-www-form-urlencoded only: a JSON body is read as empty;
 * - accounts are addressed by MAC or by account number only (never by login); one account number
 *   may belong to several accounts and a PUT or DELETE by account number hits all of them;
 * - `POST /accounts/` answers `results: true` and no id; `GET /accounts/` without identifiers
 *   answers every account (the document does not show it; Stalker's v1 does it);
 * - a GET with several identifiers fails ("One or more identifiers are incorrect") only when it
 *   finds fewer accounts than it was given identifiers — so a MAC or number shared by two accounts
 *   can hide one that matches nothing, and answers must be matched to identifiers by value;
 * - ITV lists channels; ITV_SUBSCRIPTION and STB_MODULES are per-box settings (see stalker-boxes.ts
 *   for the hazards of their addressing, which the sandbox reproduces); STB_MODULES takes PUT as its
 *   header says (its examples' POST answers that the resource does not support "create").
 * Other resources of the document (STB, STB_MSG) answer ERROR "not implemented by the sandbox".
 */
export class StalkerEmulator extends VendorEmulator {
  private readonly options: Required<StalkerEmulatorOptions>;
  private readonly store: StalkerAccountStore;
  private readonly channels: StalkerChannelStore;

  constructor(options: StalkerEmulatorOptions) {
    super({ vendor: "stalker" });
    if (!options.user || !options.password) throw new Error("StalkerEmulator needs user and password");
    this.options = { tariffPlans: DEFAULT_TARIFF_PLANS, channels: DEFAULT_CHANNELS, ...options };
    this.store = new StalkerAccountStore(() => this.options.tariffPlans);
    this.channels = new StalkerChannelStore(this.options.channels);
  }

  /** The channels of the ITV resource, by number. */
  listChannels(): StalkerChannel[] {
    return this.channels.list();
  }

  /** Adds a channel as the admin panel would (its id must be free). */
  addChannel(channel: StalkerChannel): StalkerChannel {
    return adminCall(() => this.channels.add(channel));
  }

  /** Fills the emulator with realistic subscribers (see {@link seedStalker}). */
  seed(options: StalkerSeedOptions): StalkerSeedSummary {
    return seedStalker(this, options);
  }

  /** Every account, in creation order (passwords included). */
  listAccounts(): StalkerAccountRecord[] {
    return this.store.list();
  }

  /** The account with this login, or undefined. */
  account(login: string): StalkerAccountRecord | undefined {
    return this.store.byLogin(login);
  }

  /**
   * Adds an account as the admin panel would — e.g. a foreign subscriber sharing an account number
   * with one Pulumi manages. Login and MAC must be free, as through the API.
   */
  addAccount(seed: StalkerAccountSeed): StalkerAccountRecord {
    const { fields, extras } = splitSeed(seed);
    return this.store.create(fields, extras);
  }

  /** Changes one account (by login) outside Pulumi; throws when it does not exist or a value is invalid. */
  editAccount(login: string, changes: StalkerAccountSeed): StalkerAccountRecord {
    const target = this.store.byLogin(login);
    if (!target) throw new AdminRequestError(`account ${login} does not exist`);
    const { fields, extras } = splitSeed(changes);
    this.store.update([target], fields, extras);
    return this.store.byLogin(fields.login ?? login)!;
  }

  /** Deletes one account (by login) outside Pulumi; false when it did not exist. */
  deleteAccount(login: string): boolean {
    const target = this.store.byLogin(login);
    if (!target) return false;
    this.store.delete([target]);
    return true;
  }

  override state(): StalkerState {
    return { accounts: this.store.list(), tariffPlans: [...this.options.tariffPlans], channels: this.channels.list() };
  }

  protected override resetState(): void {
    this.store.reset();
    this.channels.reset();
  }

  // The log shows list fields (`sub_ch[]=27&sub_ch[]=29`) as lists, not only their last element.
  protected override redactLoggedParams(request: SandboxRequest, params: Record<string, unknown>): Record<string, unknown> {
    const out = { ...params };
    for (const [name, value] of Object.entries(phpFormFields(request))) {
      if (!Array.isArray(value)) continue;
      for (const key of Object.keys(out)) if (key.startsWith(`${name}[`)) delete out[key];
      out[name] = value;
    }
    return out;
  }

  protected override secretValues(): readonly string[] {
    return [this.options.password];
  }

  protected override vendorRoutes(): readonly Route[] {
    const accounts = (name: string, method: string, handler: (request: SandboxRequest, ids: string[]) => unknown): Route => ({
      name,
      method,
      path: ACCOUNTS_PATH,
      handler: (request) => this.answer(request, () => handler(request, identifiersOf(request))),
    });
    const box = (resource: (typeof BOX_RESOURCES)[number], method: string, handler: (request: SandboxRequest, ids: string[]) => unknown): Route => ({
      name: `${resource}.${method.toLowerCase()}`,
      method,
      path: resourcePath(resource),
      handler: (request) => this.answer(request, () => handler(request, identifiersOf(request))),
    });
    return [
      accounts("accounts.get", "GET", (_request, ids) => this.getAccounts(ids)),
      accounts("accounts.post", "POST", (request, ids) => this.createAccount(request, ids)),
      accounts("accounts.put", "PUT", (request, ids) => this.updateAccounts(request, ids)),
      accounts("accounts.delete", "DELETE", (_request, ids) => this.deleteAccounts(ids)),
      box("itv", "GET", (_request, ids) => this.channels.byIds(ids).map(channelAnswer)),
      box("itv_subscription", "GET", (_request, ids) => getSubscriptions(this.store, ids)),
      box("itv_subscription", "PUT", (request, ids) => putSubscriptions(this.store, ids, request)),
      box("stb_modules", "GET", (_request, ids) => getModules(this.store, ids)),
      box("stb_modules", "PUT", (request, ids) => putModules(this.store, ids, request)),
      {
        name: "other",
        method: "*",
        path: ANY_RESOURCE_PATH,
        handler: (request) =>
          this.answer(request, () => {
            const resource = request.pathParams["resource"]!;
            const action = ACTIONS[request.method];
            if (resource === "accounts") throw new StalkerError(`Method ${request.method} is not supported`);
            if (!action) throw new StalkerError("Not supported method");
            if (resource === "itv" && action === "update") throw new StalkerError(`Resource itv: ${action} is not implemented by the sandbox`);
            if ((BOX_RESOURCES as readonly string[]).includes(resource)) {
              throw new StalkerError(`Resource "${resource}" does not support action "${action}"`);
            }
            throw new StalkerError(`Resource ${resource} is not implemented by the sandbox`);
          }),
      },
    ];
  }

  protected override extraAdminRoutes(): readonly Route[] {
    const byLogin = new RegExp(`^${ADMIN_PREFIX}/accounts/(?<login>[^/]+)$`);
    const existing = (request: SandboxRequest, answer: (login: string) => unknown): SandboxResponse => {
      const login = request.pathParams["login"]!;
      if (!this.store.byLogin(login)) return jsonResponse(404, { error: `account ${login} does not exist` });
      return jsonResponse(200, answer(login));
    };
    return [
      {
        name: "admin.accounts.list",
        method: "GET",
        path: `${ADMIN_PREFIX}/accounts`,
        handler: () => jsonResponse(200, { accounts: this.store.list() }),
      },
      {
        name: "admin.accounts.add",
        method: "POST",
        path: `${ADMIN_PREFIX}/accounts`,
        handler: (request) => jsonResponse(200, adminCall(() => this.addAccount(seedOf(request)))),
      },
      { name: "admin.accounts.get", method: "GET", path: byLogin, handler: (request) => existing(request, (login) => this.store.byLogin(login)) },
      {
        name: "admin.accounts.patch",
        method: "PATCH",
        path: byLogin,
        handler: (request) => existing(request, (login) => adminCall(() => this.editAccount(login, seedOf(request)))),
      },
      {
        name: "admin.accounts.delete",
        method: "DELETE",
        path: byLogin,
        handler: (request) => existing(request, (login) => ({ ok: this.deleteAccount(login) })),
      },
      { name: "admin.channels.list", method: "GET", path: `${ADMIN_PREFIX}/channels`, handler: () => jsonResponse(200, { channels: this.channels.list() }) },
      {
        name: "admin.channels.add",
        method: "POST",
        path: `${ADMIN_PREFIX}/channels`,
        handler: (request) => jsonResponse(200, this.addChannel(channelOf(request))),
      },
      {
        name: "admin.seed",
        method: "POST",
        path: `${ADMIN_PREFIX}/seed`,
        handler: (request) => jsonResponse(200, adminCall(() => this.seed(jsonObjectOf(request) as unknown as StalkerSeedOptions))),
      },
    ];
  }

  /** Authenticates, runs the handler, and wraps its result or refusal in the document's envelope. */
  private answer(request: SandboxRequest, run: () => unknown): SandboxResponse {
    if (!this.authenticated(request)) {
      return jsonResponse(
        401,
        { status: "ERROR", results: "", error: "401 Unauthorized request" },
        { "WWW-Authenticate": 'Basic realm="Stalker API"' },
      );
    }
    try {
      return jsonResponse(200, { status: "OK", results: run() });
    } catch (error) {
      if (error instanceof StalkerError) return jsonResponse(200, { status: "ERROR", results: "", error: error.message });
      throw error;
    }
  }

  // The same 401 for a missing header, a wrong user and a wrong password; never echoes either.
  private authenticated(request: SandboxRequest): boolean {
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    return sameSecret(decoded.slice(0, colon), this.options.user) && sameSecret(decoded.slice(colon + 1), this.options.password);
  }

  // GET with one identifier that matches nothing is an error, "Account not found". With several,
  // the request fails when it finds fewer accounts than identifiers — Stalker compares the counts,
  // so an identifier that matches nothing goes unnoticed next to one that matches two accounts.
  // Without identifiers: every account.
  private getAccounts(ids: string[]): unknown {
    const found = this.store.resolve(ids);
    if (ids.length === 1 && found.length === 0) throw new StalkerError("Account not found");
    if (ids.length > found.length) throw new StalkerError("One or more identifiers are incorrect");
    return found.map(accountAnswer);
  }

  private createAccount(request: SandboxRequest, ids: string[]): unknown {
    if (ids.length > 0) throw new StalkerError("Identifiers are not allowed when creating an account");
    const fields = writableFieldsOf(request);
    this.store.create(fields);
    return true;
  }

  private updateAccounts(request: SandboxRequest, ids: string[]): unknown {
    const fields = writableFieldsOf(request);
    const targets = this.targetsOf(ids);
    this.store.update(targets, fields);
    return true;
  }

  private deleteAccounts(ids: string[]): unknown {
    this.store.delete(this.targetsOf(ids));
    return true;
  }

  /** PUT and DELETE take exactly one identifier; it may address several accounts (an account number). */
  private targetsOf(ids: string[]): StalkerAccountRecord[] {
    if (ids.length === 0) throw new StalkerError("Identifier required");
    if (ids.length > 1) throw new StalkerError("Only one identifier allowed");
    const targets = this.store.resolve(ids);
    if (targets.length === 0) throw new StalkerError("Account not found");
    return targets;
  }
}

/** Creates a Stalker emulator and starts it (default: `127.0.0.1`, a free port). */
export async function startStalkerEmulator(options: StalkerEmulatorOptions, listen: ListenOptions = {}): Promise<StalkerEmulator> {
  const emulator = new StalkerEmulator(options);
  await emulator.start(listen);
  return emulator;
}

/** The comma-separated identifiers of the URL (`/accounts/123,00:1A:79:00:39:5E`), each decoded. */
function identifiersOf(request: SandboxRequest): string[] {
  const raw = request.pathParams["ids"];
  if (raw === undefined || raw === "") return [];
  return raw.split(",").filter((id) => id !== "");
}

/**
 * The writable fields of a form body. Like PHP reading the request body with parse_str, only
 * application/x-www-form-urlencoded carries fields: JSON and multipart bodies are read as empty.
 */
function writableFieldsOf(request: SandboxRequest): StalkerWrite {
  if (request.body.kind !== "form" || Object.keys(request.body.fields).length === 0) {
    throw new StalkerError(`HTTP ${request.method} data is empty`);
  }
  const fields: StalkerWrite = {};
  for (const name of WRITABLE_FIELDS) {
    const value = request.body.fields[name];
    if (value !== undefined) fields[name] = value;
  }
  if (Object.keys(fields).length === 0) throw new StalkerError("Insert data is empty");
  return fields;
}

function splitSeed(seed: StalkerAccountSeed): { fields: StalkerWrite; extras: Partial<StalkerAccountRecord> } {
  const fields: StalkerWrite = {};
  const extras: Partial<StalkerAccountRecord> = {};
  for (const [key, value] of Object.entries(seed)) {
    if (value === undefined) continue;
    if ((WRITABLE_FIELDS as readonly string[]).includes(key)) fields[key as keyof StalkerWrite] = String(value);
    else if (key === "stb_sn" || key === "stb_type") extras[key] = String(value);
    else if (key === "online") extras.online = value ? 1 : 0;
    else if (key === "subscribed" && Array.isArray(value)) extras.subscribed = value.map(String);
    else if (key === "additional_services_on") extras.additional_services_on = value && value !== "0" ? 1 : 0;
    else if (key === "sub_ch" && (value === null || Array.isArray(value))) extras.sub_ch = value === null ? null : value.map(String);
    else if ((key === "modules_disabled" || key === "modules_restricted") && Array.isArray(value)) extras[key] = value.map(String);
    else throw new AdminRequestError(`unknown account field ${key}`);
  }
  return { fields, extras };
}

function channelOf(request: SandboxRequest): StalkerChannel {
  const body = jsonObjectOf(request);
  const { id, name, number, base_ch } = body as Record<string, unknown>;
  if (typeof name !== "string" || name === "" || typeof number !== "number") throw new AdminRequestError("a channel needs id, name and number");
  return { id: String(id), name, number, base_ch: base_ch === 1 || base_ch === "1" || base_ch === true ? 1 : 0 };
}

function seedOf(request: SandboxRequest): StalkerAccountSeed {
  return jsonObjectOf(request) as unknown as StalkerAccountSeed;
}

/** Runs an admin change; a refusal of the store becomes a 400. */
function adminCall<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof StalkerError) throw new AdminRequestError(error.message);
    throw error;
  }
}
