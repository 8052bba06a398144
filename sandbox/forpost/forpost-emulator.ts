import {
  ADMIN_PREFIX,
  jsonObjectOf,
  jsonResponse,
  sameSecret,
  VendorEmulator,
  type ListenOptions,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
} from "../core";
import type { ForpostAccountRecord } from "./forpost-account";
import { ForpostAccountControls, type ForpostAccountInput, type ForpostAccountPatch } from "./forpost-account-controls";
import { DEFAULT_CATALOGUES, type ForpostCatalogues } from "./forpost-catalogues";
import { ForpostData } from "./forpost-data";
import { seedForpostData, type ForpostSeedOptions, type ForpostSeedResult } from "./forpost-seed";
import { errorAnswer, ForpostError, type ForpostErrorStatusMode } from "./forpost-errors";
import type { ForpostAccessRecord, ForpostCameraRecord, ForpostUserRecord } from "./forpost-records";
import {
  ForpostAccessControls,
  ForpostCameraControls,
  ForpostUserControls,
  type ForpostCameraInput,
  type ForpostCameraPatch,
  type ForpostUserInput,
  type ForpostUserPatch,
} from "./forpost-subscriber-controls";
import { DOCUMENTED_METHODS, METHODS, type ForpostMethodContext, type ForpostParams } from "./forpost-methods";
import { DEFAULT_TARIFFS, type ForpostTariff } from "./forpost-tariffs";

/** Where the System API lives under the base URL: `<url>/system-api/<Method>`. */
export const SYSTEM_API_PREFIX = "/system-api/";

export interface ForpostEmulatorOptions {
  /** The service administrator's login every call must carry as `AdminLogin`. */
  adminLogin: string;
  /** ... and `AdminPassword`. Never echoed in answers or the request log. */
  adminPassword: string;
  /**
   * Render numbers in read answers (masAccounts, FindAccounts, GetTariffs, GetAllowedAccountTariffs,
   * GetAccountDefaultCameraTariff) as strings, as PHP deployments reading MySQL often do
   * (`"MaxCameraCount": "8"`). Write answers (`{"ID": n}`, `{"Status": 1}`) keep numbers. Default true.
   */
  numbersAsStrings?: boolean;
  /** Which HTTP status carries error answers; see {@link ForpostErrorStatusMode}. Default "mapped". */
  errorStatus?: ForpostErrorStatusMode;
  /** ID of the first account created. Default 1001. */
  firstAccountId?: number;
  /** The GetTariffs catalogue. Default {@link DEFAULT_TARIFFS} (ids 1, 2, 3). */
  tariffs?: readonly ForpostTariff[];
  /** Reject a second account with the same ContractNumber with ErrorCode 2. Default false. */
  uniqueContractNumber?: boolean;
  /** ID of the first user created. Default 5001 (apart from accounts and cameras, so a mixed-up id finds nothing). */
  firstUserId?: number;
  /** ID of the first camera created. Default 7001. */
  firstCameraId?: number;
  /** Replaces some of the reference lists (clusters, models, record types, …); default {@link DEFAULT_CATALOGUES}. */
  catalogues?: Partial<ForpostCatalogues>;
  /**
   * Refuse (ErrorCode 2) an AddUser / AddCamera beyond the account's MaxLoginCount /
   * MaxCameraCount. Default false: the document does not say the API enforces them.
   */
  enforceAccountLimits?: boolean;
  /**
   * Camera addresses (`host` or `host:port`) the service can reach from the start and after every
   * reset. Default none: AddCamera without SkipCameraCheck=1 fails unless a test puts the camera
   * online (`emulator.cameras.setReachable`).
   */
  reachableCameras?: readonly string[];
}

/** A JSON snapshot of the emulator, served at `GET /__sandbox/state`. */
export interface ForpostState {
  accounts: ForpostAccountRecord[];
  tariffs: ForpostTariff[];
  nextAccountId: number;
  /** Without password digests. */
  users: Array<Omit<ForpostUserRecord, "PasswordDigest">>;
  /** Without password digests. */
  cameras: Array<Omit<ForpostCameraRecord, "PasswordDigest">>;
  access: ForpostAccessRecord[];
  reachableCameras: string[];
  nextUserId: number;
  nextCameraId: number;
}

/**
 * An in-memory Forpost System API 1.6.9: accounts and tariffs, users, cameras with their reference
 * lists, and camera access rights, as the vendor document describes them; every other documented
 * method answers ErrorCode 1 "not implemented by the sandbox".
 *
 * Order of checks on a call (the document gives none): non-POST → 405; unknown method → 404 (both
 * before credentials, as a web server's routing would); credentials → ErrorCode 3; `Format=xml` →
 * ErrorCode 1; not implemented → ErrorCode 1; then the method's own validation → ErrorCode 2.
 * Parameters are read from a form-urlencoded body only (like PHP's `$_POST`): a JSON or multipart body
 * or a query string carries none, so such a call fails on the missing credentials.
 */
export class ForpostEmulator extends VendorEmulator {
  /** Change accounts behind the client's back (drift, out-of-band deletes, pre-existing accounts). */
  readonly accounts: ForpostAccountControls;
  /** Users behind the client's back, and password checks. */
  readonly users: ForpostUserControls;
  /** Cameras behind the client's back, and which camera addresses are online. */
  readonly cameras: ForpostCameraControls;
  /** Camera access rights behind the client's back. */
  readonly access: ForpostAccessControls;
  private readonly options: Required<Omit<ForpostEmulatorOptions, "catalogues">>;
  private readonly catalogues: ForpostCatalogues;
  private readonly data: ForpostData;

  constructor(options: ForpostEmulatorOptions) {
    super({ vendor: "forpost" });
    if (!options.adminLogin || !options.adminPassword) throw new Error("ForpostEmulator needs adminLogin and adminPassword");
    this.options = {
      numbersAsStrings: true,
      errorStatus: "mapped",
      firstAccountId: 1001,
      tariffs: DEFAULT_TARIFFS,
      uniqueContractNumber: false,
      firstUserId: 5001,
      firstCameraId: 7001,
      enforceAccountLimits: false,
      reachableCameras: [],
      ...options,
    };
    this.catalogues = { ...DEFAULT_CATALOGUES, ...options.catalogues };
    this.data = new ForpostData(this.options);
    this.accounts = new ForpostAccountControls(this.data.accounts, () => this.options.tariffs, (id) => this.data.deleteAccount(id));
    this.users = new ForpostUserControls(this.data);
    this.cameras = new ForpostCameraControls(this.data, () => this.catalogues);
    this.access = new ForpostAccessControls(this.data);
  }

  override state(): ForpostState {
    return {
      accounts: this.data.accounts.list(),
      tariffs: this.options.tariffs.map((tariff) => ({ ...tariff })),
      nextAccountId: this.data.accounts.nextAccountId,
      users: this.users.list(),
      cameras: this.cameras.list(),
      access: this.access.list(),
      reachableCameras: this.cameras.reachable(),
      nextUserId: this.data.users.nextRecordId,
      nextCameraId: this.data.cameras.nextRecordId,
    };
  }

  /**
   * Adds `options.accounts` realistic subscribers (accounts with users, cameras and access rights)
   * straight into the store, without API calls or log entries; see `seedForpost`.
   */
  seed(options: ForpostSeedOptions): ForpostSeedResult {
    return seedForpostData(this.data, this.catalogues, options);
  }

  /** The reference lists this emulator serves. */
  catalogueData(): ForpostCatalogues {
    return structuredClone(this.catalogues);
  }

  protected override resetState(): void {
    this.data.reset();
  }

  protected override secretValues(): readonly string[] {
    return [this.options.adminPassword];
  }

  protected override vendorRoutes(): readonly Route[] {
    return DOCUMENTED_METHODS.map((method) => ({
      name: method,
      method: "POST",
      path: `${SYSTEM_API_PREFIX}${method}`,
      handler: (request: SandboxRequest) => this.call(method, request),
    }));
  }

  protected override notFound(request: SandboxRequest): SandboxResponse {
    const method = request.path.startsWith(SYSTEM_API_PREFIX) ? request.path.slice(SYSTEM_API_PREFIX.length) : request.path;
    return this.error(new ForpostError(1, `Unknown method ${method}`, 404));
  }

  protected override methodNotAllowed(): SandboxResponse {
    const answer = this.error(new ForpostError(1, "System API calls must use HTTP POST", 405));
    return { ...answer, headers: { ...answer.headers, allow: "POST" } };
  }

  protected override extraAdminRoutes(): readonly Route[] {
    const byId = new RegExp(`^${ADMIN_PREFIX}/accounts/(?<id>\\d+)$`);
    const accountOr404 = (request: SandboxRequest, answer: (id: number) => unknown): SandboxResponse => {
      const id = Number(request.pathParams["id"]);
      if (!this.data.accounts.get(id)) return jsonResponse(404, { error: `account ${id} does not exist` });
      return jsonResponse(200, answer(id));
    };
    return [
      {
        name: "admin.accounts.add",
        method: "POST",
        path: `${ADMIN_PREFIX}/accounts`,
        handler: (request) => jsonResponse(200, this.accounts.add(jsonObjectOf(request) as unknown as ForpostAccountInput)),
      },
      { name: "admin.accounts.get", method: "GET", path: byId, handler: (request) => accountOr404(request, (id) => this.accounts.get(id)) },
      {
        name: "admin.accounts.patch",
        method: "PATCH",
        path: byId,
        handler: (request) => accountOr404(request, (id) => this.accounts.patch(id, jsonObjectOf(request) as ForpostAccountPatch)),
      },
      {
        name: "admin.accounts.delete",
        method: "DELETE",
        path: byId,
        handler: (request) => accountOr404(request, (id) => ({ ok: this.accounts.delete(id) })),
      },
      ...this.subscriberAdminRoutes(),
    ];
  }

  /**
   * `/__sandbox/users`, `/__sandbox/cameras` (POST add, GET/PATCH/DELETE by id),
   * `/__sandbox/access/<user>/<camera>` (GET, PUT rights, DELETE the row) and
   * `/__sandbox/reachable-cameras` (GET, PUT `{"addresses": [...]}`): the controls over HTTP, for a
   * sandbox running in another process.
   */
  private subscriberAdminRoutes(): Route[] {
    const ok = (value: unknown) => jsonResponse(200, value);
    const missing = (what: string) => jsonResponse(404, { error: `${what} does not exist` });
    const byId = (kind: string) => new RegExp(`^${ADMIN_PREFIX}/${kind}/(?<id>\\d+)$`);
    const idOf = (request: SandboxRequest) => Number(request.pathParams["id"]);
    const pair = new RegExp(`^${ADMIN_PREFIX}/access/(?<user>\\d+)/(?<camera>\\d+)$`);
    const pairOf = (request: SandboxRequest) => [Number(request.pathParams["user"]), Number(request.pathParams["camera"])] as const;
    return [
      { name: "admin.users.add", method: "POST", path: `${ADMIN_PREFIX}/users`, handler: (r) => ok(this.users.add(jsonObjectOf(r) as unknown as ForpostUserInput)) },
      { name: "admin.users.get", method: "GET", path: byId("users"), handler: (r) => (this.users.get(idOf(r)) ? ok(this.users.get(idOf(r))) : missing(`user ${idOf(r)}`)) },
      {
        name: "admin.users.patch",
        method: "PATCH",
        path: byId("users"),
        handler: (r) => (this.users.get(idOf(r)) ? ok(this.users.patch(idOf(r), jsonObjectOf(r) as ForpostUserPatch)) : missing(`user ${idOf(r)}`)),
      },
      { name: "admin.users.delete", method: "DELETE", path: byId("users"), handler: (r) => (this.users.delete(idOf(r)) ? ok({ ok: true }) : missing(`user ${idOf(r)}`)) },
      { name: "admin.cameras.add", method: "POST", path: `${ADMIN_PREFIX}/cameras`, handler: (r) => ok(this.cameras.add(jsonObjectOf(r) as unknown as ForpostCameraInput)) },
      { name: "admin.cameras.get", method: "GET", path: byId("cameras"), handler: (r) => (this.cameras.get(idOf(r)) ? ok(this.cameras.get(idOf(r))) : missing(`camera ${idOf(r)}`)) },
      {
        name: "admin.cameras.patch",
        method: "PATCH",
        path: byId("cameras"),
        handler: (r) => (this.cameras.get(idOf(r)) ? ok(this.cameras.patch(idOf(r), jsonObjectOf(r) as ForpostCameraPatch)) : missing(`camera ${idOf(r)}`)),
      },
      { name: "admin.cameras.delete", method: "DELETE", path: byId("cameras"), handler: (r) => (this.cameras.delete(idOf(r)) ? ok({ ok: true }) : missing(`camera ${idOf(r)}`)) },
      {
        name: "admin.access.get",
        method: "GET",
        path: pair,
        handler: (r) => {
          const row = this.access.get(...pairOf(r));
          return row ? ok(row) : missing(`access row ${pairOf(r).join("/")}`);
        },
      },
      { name: "admin.access.set", method: "PUT", path: pair, handler: (r) => ok(this.access.set(...pairOf(r), jsonObjectOf(r))) },
      {
        name: "admin.access.delete",
        method: "DELETE",
        path: pair,
        handler: (r) => (this.access.remove(...pairOf(r)) ? ok({ ok: true }) : missing(`access row ${pairOf(r).join("/")}`)),
      },
      { name: "admin.reachable.get", method: "GET", path: `${ADMIN_PREFIX}/reachable-cameras`, handler: () => ok({ addresses: this.cameras.reachable() }) },
      {
        name: "admin.reachable.set",
        method: "PUT",
        path: `${ADMIN_PREFIX}/reachable-cameras`,
        handler: (r) => {
          const addresses = jsonObjectOf(r)["addresses"];
          if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === "string")) {
            return jsonResponse(400, { error: 'expected {"addresses": ["host" or "host:port", ...]}' });
          }
          this.cameras.setReachable(addresses);
          return ok({ addresses: this.cameras.reachable() });
        },
      },
    ];
  }

  private call(method: (typeof DOCUMENTED_METHODS)[number], request: SandboxRequest): SandboxResponse {
    const params: ForpostParams = request.body.kind === "form" ? request.body.fields : {};
    try {
      this.authenticate(params);
      // The sandbox answers JSON only; XML answers are not emulated (ErrorCode 1, in JSON).
      if ((params["Format"] ?? "").toLowerCase() === "xml") throw new ForpostError(1, "XML not supported by the sandbox");
      const implementation = METHODS[method];
      if (!implementation) throw new ForpostError(1, `${method} is not implemented by the sandbox`);
      return jsonResponse(200, implementation(params, this.methodContext()));
    } catch (error) {
      if (error instanceof ForpostError) return this.error(error);
      throw error;
    }
  }

  // Same answer for a wrong login, a wrong password and missing credentials, so the answer does not
  // reveal which one was wrong; never echoes either value.
  private authenticate(params: ForpostParams): void {
    const login = params["AdminLogin"];
    const password = params["AdminPassword"];
    if (login === undefined || password === undefined || !sameSecret(login, this.options.adminLogin) || !sameSecret(password, this.options.adminPassword)) {
      throw new ForpostError(3, "Access denied: wrong or missing AdminLogin/AdminPassword");
    }
  }

  private methodContext(): ForpostMethodContext {
    return {
      store: this.data.accounts,
      data: this.data,
      tariffs: this.options.tariffs,
      catalogues: this.catalogues,
      uniqueContractNumber: this.options.uniqueContractNumber,
      enforceAccountLimits: this.options.enforceAccountLimits,
      read: (value) => (this.options.numbersAsStrings ? numbersToStrings(value) : value),
    };
  }

  private error(error: ForpostError): SandboxResponse {
    return errorAnswer(error, this.options.errorStatus);
  }
}

/** Creates a Forpost emulator and starts it (default: `127.0.0.1`, a free port). */
export async function startForpostEmulator(options: ForpostEmulatorOptions, listen: ListenOptions = {}): Promise<ForpostEmulator> {
  const emulator = new ForpostEmulator(options);
  await emulator.start(listen);
  return emulator;
}

function numbersToStrings(value: unknown): unknown {
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map(numbersToStrings);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, numbersToStrings(item)]));
  }
  return value;
}
