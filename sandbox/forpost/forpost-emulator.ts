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
import { ForpostAccountStore } from "./forpost-account-store";
import { errorAnswer, ForpostError, type ForpostErrorStatusMode } from "./forpost-errors";
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
}

/** A JSON snapshot of the emulator, served at `GET /__sandbox/state`. */
export interface ForpostState {
  accounts: ForpostAccountRecord[];
  tariffs: ForpostTariff[];
  nextAccountId: number;
}

/**
 * An in-memory Forpost System API 1.6.9: the account and tariff methods as the vendor document
 * describes them; every other documented method answers ErrorCode 1 "not implemented by the sandbox".
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
  private readonly options: Required<ForpostEmulatorOptions>;
  private readonly store: ForpostAccountStore;

  constructor(options: ForpostEmulatorOptions) {
    super({ vendor: "forpost" });
    if (!options.adminLogin || !options.adminPassword) throw new Error("ForpostEmulator needs adminLogin and adminPassword");
    this.options = {
      numbersAsStrings: true,
      errorStatus: "mapped",
      firstAccountId: 1001,
      tariffs: DEFAULT_TARIFFS,
      uniqueContractNumber: false,
      ...options,
    };
    this.store = new ForpostAccountStore(this.options.firstAccountId);
    this.accounts = new ForpostAccountControls(this.store, () => this.options.tariffs);
  }

  override state(): ForpostState {
    return {
      accounts: this.store.list(),
      tariffs: this.options.tariffs.map((tariff) => ({ ...tariff })),
      nextAccountId: this.store.nextAccountId,
    };
  }

  protected override resetState(): void {
    this.store.reset();
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
      if (!this.store.get(id)) return jsonResponse(404, { error: `account ${id} does not exist` });
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
      store: this.store,
      tariffs: this.options.tariffs,
      uniqueContractNumber: this.options.uniqueContractNumber,
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
