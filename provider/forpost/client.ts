import { z } from "zod";
import { formFieldCredentials } from "../core/auth";
import { coalescedLookup, listSnapshot, type ListSnapshot } from "../core/coalesce";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { HttpTransport, type HttpAnswer } from "../core/transport";
import { wireInt } from "../core/wire";
import { forpostConfig } from "./config";

/** An account as FindAccounts / masAccounts return it: `ID` plus the AddAccount field names. */
export type ForpostAccountRecord = { ID: number } & Record<string, unknown>;

export interface ForpostTariff {
  ID: number;
  Name: string;
  Comment?: string;
  Price?: number;
}

/** Form parameters in wire names (`Name`, `MaxCameraCount`, …), already encoded. */
export type ForpostParams = Array<[string, string]>;

const accountRecord = z.looseObject({ ID: wireInt });
/** Documented as an array; a lone object or an empty answer are accepted too. */
const accountList = z.union([
  z.array(accountRecord),
  accountRecord.transform((r) => [r]),
  z.null().transform(() => []),
  z.object({}).strict().transform(() => []),
]);
const idAnswer = z.looseObject({ ID: wireInt });
/** GetAccountDefaultCameraTariff: `{ID: n}`; 0, null or no ID mean "no default". */
const optionalIdAnswer = z.looseObject({ ID: z.union([wireInt, z.null(), z.literal("")]).optional() });
const tariffList = z.array(
  z.looseObject({
    ID: wireInt,
    Name: z.string(),
    Comment: z.string().nullish(),
    Price: z.union([z.number(), z.string().transform(Number)]).nullish(),
  }),
);
const idList = z.union([z.array(z.looseObject({ ID: wireInt })), z.null().transform(() => [])]);

/** A documented array answer; a lone object and an empty answer are accepted too (as for accounts). */
function listOf<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), item.transform((r) => [r]), z.null().transform(() => []), z.object({}).strict().transform(() => [])]);
}
const flagValue = z.union([z.literal(0), z.literal(1), z.literal("0"), z.literal("1"), z.boolean()]).transform((v) => v === 1 || v === "1" || v === true);
const optionalText = z.union([z.string(), z.number().transform(String), z.null()]).optional().transform((v) => (v === null || v === undefined ? undefined : v));
const optionalInt = z.union([wireInt, z.null(), z.literal("")]).optional().transform((v) => (typeof v === "number" ? v : undefined));

const userRecord = z.looseObject({ ID: wireInt, Login: z.union([z.string(), z.number().transform(String)]), AccountID: wireInt, IsActive: flagValue, IsReadOnly: flagValue, Email: optionalText });
const cameraRecord = z.looseObject({
  ID: wireInt,
  Name: z.union([z.string(), z.number().transform(String)]),
  IsActive: flagValue,
  IsSound: flagValue,
  RecordType: optionalInt,
  MaxBandwidth: optionalInt,
  Quota: optionalInt,
  Groups: z.union([z.array(z.looseObject({ ID: wireInt })), z.null()]).optional().transform((g) => (g ?? []).map((x) => x.ID)),
});
/** PTZ is the one right the document marks as optional in the answer: absent means no PTZ control. */
const accessRow = z.looseObject({
  CameraID: wireInt,
  Review: flagValue,
  ViewArchive: flagValue,
  Admin: flagValue,
  PTZ: flagValue.optional().transform((v) => v ?? false),
  Download: flagValue,
  Snapshot: flagValue,
});
const cameraAdded = z.looseObject({ ID: wireInt, CameraMotionDetectorError: z.unknown().optional() });
const namedEntry = z.looseObject({ ID: wireInt, Name: z.string() });
const codedEntry = z.looseObject({ ID: z.union([z.string(), z.number().transform(String)]), Name: z.string() });
const modelsAndBrands = z.looseObject({
  Models: z.array(z.looseObject({ ID: wireInt, Name: z.string(), BrandID: wireInt })),
  Brands: z.array(namedEntry),
});

/** A user as GetAccountUsers answers it. */
export type ForpostUserRecord = z.output<typeof userRecord>;
/** A camera as GetCameras answers it (the document's 7 fields and the group ids). */
export type ForpostCameraRecord = z.output<typeof cameraRecord>;
/** One user's rights on one camera, as GetUserCameraAccessRights answers them. */
export type ForpostAccessRow = z.output<typeof accessRow>;
export interface ForpostAccessRights {
  review: boolean;
  viewArchive: boolean;
  admin: boolean;
  ptz: boolean;
  download: boolean;
  snapshot: boolean;
}
export interface ForpostNamed<I = number> {
  ID: I;
  Name: string;
}
export interface ForpostModel extends ForpostNamed {
  BrandID: number;
}

/**
 * From how many accounts a read is served from one masAccounts (the whole list) instead of one
 * FindAccounts each. Both are one request per call; masAccounts costs the vendor a full scan
 * and answers every account (about 0.6 KB each: 6 MB for 10,000), so it pays off only once a
 * batch would need several FindAccounts. Measured against the sandbox with 10,000 accounts:
 * one masAccounts ≈ 8 FindAccounts in time; 4 keeps a create's read-back (one account) on
 * FindAccounts and a refresh (64 at a time) on masAccounts.
 */
const ACCOUNT_LIST_FROM = 4;
/** How long a list answer serves reads that arrive after it (see listSnapshot). */
const SNAPSHOT_MAX_AGE_MS = 2000;
/**
 * While a refresh's reads keep coming (each within SNAPSHOT_MAX_AGE_MS of the last), the list keeps
 * answering them, at most this long after it was fetched: 1,000 reads spread over 30 s on a busy
 * host share one masAccounts instead of one every 2 s (see listSnapshot's keepAliveWhileReadMs).
 */
const SNAPSHOT_KEEP_ALIVE_MS = 60_000;
/**
 * The same for the per-account and per-user lists: they serve reads of one refresh burst (the
 * objects of one account arrive together) and a create's look-up, count and read-back (milliseconds
 * apart), so a short age loses nothing and keeps a list from outliving the operation that read it.
 */
const KEYED_MAX_AGE_MS = 1000;

/** ErrorCode values the System API documents. */
const ERROR_MEANING: Record<number, string> = {
  1: "unknown error on the Forpost side",
  2: "parameter validation failed",
  3: "access denied",
};

/**
 * Forpost System API 1.6.9 client: one method per endpoint. Every call is a form-urlencoded POST
 * to `<url>/system-api/<Method>` carrying AdminLogin/AdminPassword; answers are JSON; errors are
 * `{ErrorCode, Error}` under whatever HTTP status the server picks.
 */
export class ForpostClient {
  /** masAccounts, shared by the reads that arrive together; forgotten after every account write. */
  private readonly accountList: ListSnapshot<ForpostAccountRecord>;
  private accountListAt = 0;
  private accountListReadAt = 0;
  private readonly accounts;
  /** GetAccountUsers / GetCameras by account, and GetUserCameraAccessRights by user, shared the same way. */
  private readonly usersByAccount = new KeyedSnapshots<number, ForpostUserRecord>((id) => this.getAccountUsers({ accountId: id }));
  private readonly camerasByAccount = new KeyedSnapshots<number, ForpostCameraRecord>((id) => this.getCameras({ accountId: id }));
  private readonly rightsByUser = new KeyedSnapshots<number, ForpostAccessRow>((id) => this.getUserCameraAccessRights(id));
  private readonly users;
  private readonly cameras;

  constructor(private readonly transport: HttpTransport) {
    this.accountList = listSnapshot({
      fetch: async () => {
        const list = await this.masAccounts();
        this.accountListAt = Date.now();
        return list;
      },
      maxAgeMs: SNAPSHOT_MAX_AGE_MS,
      keepAliveWhileReadMs: SNAPSHOT_KEEP_ALIVE_MS,
    });
    this.accounts = coalescedLookup<number, ForpostAccountRecord>({ batch: (ids) => this.accountBatch(ids) });
    this.users = coalescedLookup<string, ForpostUserRecord>({
      batch: (keys) => this.ownedBatch(keys, (account) => this.usersByAccount.get(account), (id) => this.getAccountUsers({ id })),
    });
    this.cameras = coalescedLookup<string, ForpostCameraRecord>({
      batch: (keys) => this.ownedBatch(keys, (account) => this.camerasByAccount.get(account), (id) => this.getCameras({ id })),
    });
  }

  /** A client for the configured Forpost (stack config or environment), shared per process. */
  static fromConfig(): ForpostClient {
    const config = forpostConfig.load();
    if (!cached || cached.config !== config) {
      const transport = new HttpTransport({
        vendor: "forpost",
        baseUrl: config.url,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        maxConcurrentRequests: config.maxConcurrentRequests,
        auth: formFieldCredentials({ AdminLogin: config.adminLogin, AdminPassword: config.adminPassword }, ["AdminPassword"]),
        isRetryableAnswer: (answer, request) =>
          !isForpostError(answer) && ([429, 502, 503, 504].includes(answer.status) || (answer.status >= 500 && request.idempotent)),
      });
      cached = { config, client: new ForpostClient(transport) };
    }
    return cached.client;
  }

  /** AddAccount → the new account's ID. Not idempotent: never retried once it may have arrived. */
  async addAccount(params: ForpostParams): Promise<number> {
    return this.writing(() => this.invalidateAccounts(), async () => (await this.call("AddAccount", params, { idempotent: false }, idAnswer)).ID);
  }

  /** EditAccount with only the fields that change, as the document requires. */
  async editAccount(id: number, params: ForpostParams): Promise<void> {
    await this.writing(() => this.invalidateAccounts(), () => this.call("EditAccount", [["ID", String(id)], ...params], { idempotent: true }, idAnswer));
  }

  /** Forpost deletes the account's users and cameras with it (assumed), so their lists are forgotten too. */
  async deleteAccount(id: number): Promise<void> {
    await this.writing(
      () => {
        this.invalidateAccounts();
        this.usersByAccount.invalidate(id);
        this.camerasByAccount.invalidate(id);
        this.rightsByUser.invalidate();
      },
      () => this.call("DeleteAccount", [["ID", String(id)]], { idempotent: true }, z.unknown()),
    );
  }

  async masAccounts(): Promise<ForpostAccountRecord[]> {
    return this.call("masAccounts", [], { idempotent: true }, accountList);
  }

  /** FindAccounts; `name` matches part of the name, `id` and `contractNumber` match exactly. */
  async findAccounts(filter: { id?: number; name?: string; contractNumber?: string }): Promise<ForpostAccountRecord[]> {
    const params: ForpostParams = [];
    if (filter.id !== undefined) params.push(["ID", String(filter.id)]);
    if (filter.name !== undefined) params.push(["Name", filter.name]);
    if (filter.contractNumber !== undefined) params.push(["ContractNumber", filter.contractNumber]);
    return this.call("FindAccounts", params, { idempotent: true }, accountList);
  }

  async getTariffs(): Promise<ForpostTariff[]> {
    const list = await this.call("GetTariffs", [], { idempotent: true }, tariffList);
    return list.map((t) => ({ ID: t.ID, Name: t.Name, Comment: t.Comment ?? undefined, Price: t.Price ?? undefined }));
  }

  /** An empty list makes every tariff available to the account's cameras (per the document). */
  async setAllowedAccountTariffs(accountId: number, tariffIds: number[]): Promise<void> {
    const params: ForpostParams = [
      ["AccountID", String(accountId)],
      ["TariffIDList", JSON.stringify(tariffIds)],
    ];
    await this.call("SetAllowedAccountTariffs", params, { idempotent: true }, z.unknown());
  }

  async getAllowedAccountTariffs(accountId: number): Promise<number[]> {
    const list = await this.call("GetAllowedAccountTariffs", [["AccountID", String(accountId)]], { idempotent: true }, idList);
    return list.map((t) => t.ID);
  }

  /** 0 clears the default. */
  async setAccountDefaultCameraTariff(accountId: number, tariffId: number): Promise<void> {
    const params: ForpostParams = [
      ["AccountID", String(accountId)],
      ["TariffID", String(tariffId)],
    ];
    await this.call("SetAccountDefaultCameraTariff", params, { idempotent: true }, z.unknown());
  }

  /** The default tariff for new cameras, 0 when there is none. */
  async getAccountDefaultCameraTariff(accountId: number): Promise<number> {
    const answer = await this.call(
      "GetAccountDefaultCameraTariff",
      [["AccountID", String(accountId)]],
      { idempotent: true },
      z.union([optionalIdAnswer, z.null().transform(() => ({ ID: undefined }))]),
    );
    return typeof answer.ID === "number" ? answer.ID : 0;
  }


  // ---------------------------------------------------------------------------------------------
  // Users

  /** AddUser → the new user's ID. Not idempotent: never retried once it may have arrived. */
  async addUser(accountId: number, params: ForpostParams): Promise<number> {
    return this.writing(
      () => this.usersByAccount.invalidate(accountId),
      async () => (await this.call("AddUser", [["AccountID", String(accountId)], ...params], { idempotent: false }, idAnswer)).ID,
    );
  }

  /** EditUser with only the fields that change (never the password: the document excludes it). */
  async editUser(id: number, accountId: number, params: ForpostParams): Promise<void> {
    await this.writing(
      () => this.usersByAccount.invalidate(accountId),
      () => this.call("EditUser", [["ID", String(id)], ...params], { idempotent: true }, idAnswer),
    );
  }

  async editUserPassword(id: number, password: string): Promise<void> {
    await this.call("EditUserPassword", [["ID", String(id)], ["Password", password]], { idempotent: true }, idAnswer);
  }

  /** Forpost drops the user's camera rights with it (assumed). */
  async deleteUser(id: number, accountId: number): Promise<void> {
    await this.writing(
      () => {
        this.usersByAccount.invalidate(accountId);
        this.rightsByUser.invalidate(id);
      },
      () => this.call("DeleteUser", [["ID", String(id)]], { idempotent: true }, z.unknown()),
    );
  }

  /**
   * GetAccountUsers of an account, or one user by ID. By ID, an ErrorCode 2 is read as "no such
   * user": the ID sent is always a well-formed positive integer, so only its existence is left to
   * fail validation (the document has no "not found" code). By account, an unknown account fails.
   */
  async getAccountUsers(filter: { accountId?: number; id?: number }): Promise<ForpostUserRecord[]> {
    const params: ForpostParams = [];
    if (filter.accountId !== undefined) params.push(["AccountID", String(filter.accountId)]);
    if (filter.id !== undefined) params.push(["ID", String(filter.id)]);
    return this.byIdOrEmpty(filter.id !== undefined && filter.accountId === undefined, () => this.call("GetAccountUsers", params, { idempotent: true }, listOf(userRecord)));
  }

  /**
   * The users of an account, shared by the reads (and the create) that arrive together. `fresh`
   * fetches a new list (which later reads then share): a natural key's look-up must never answer
   * from a list read before the object it looks for may have landed.
   */
  async usersOf(accountId: number, options: { fresh?: boolean } = {}): Promise<ForpostUserRecord[]> {
    if (options.fresh) this.usersByAccount.invalidate(accountId);
    return this.usersByAccount.get(accountId);
  }

  /**
   * One user, coalesced: concurrent loads are answered with one GetAccountUsers per account (the
   * account as last known), and one by ID for a user not found there (moved, or no account known).
   */
  async loadUser(id: number, accountId?: number): Promise<ForpostUserRecord | undefined> {
    return this.users.load(`${accountId ?? ""}:${id}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Cameras

  /** AddCamera → the new camera's ID and what Forpost said about its motion detector. Not idempotent. */
  async addCamera(accountId: number, params: ForpostParams): Promise<{ id: number; motionDetectorError?: string }> {
    return this.writing(
      () => this.camerasByAccount.invalidate(accountId),
      async () => {
        const answer = await this.call("AddCamera", [["AccountID", String(accountId)], ...params], { idempotent: false }, cameraAdded);
        const detector = answer.CameraMotionDetectorError;
        const text = detector === undefined || detector === null || detector === "" || detector === 0 ? undefined : typeof detector === "string" ? detector : JSON.stringify(detector);
        return { id: answer.ID, ...(text === undefined ? {} : { motionDetectorError: text }) };
      },
    );
  }

  /** EditCamera with only the fields that change (and the call's behaviour flags). */
  async editCamera(id: number, accountId: number, params: ForpostParams): Promise<void> {
    await this.writing(
      () => this.camerasByAccount.invalidate(accountId),
      () => this.call("EditCamera", [["ID", String(id)], ...params], { idempotent: true }, idAnswer),
    );
  }

  /** Forpost drops the rights on the camera with it (assumed); every user's rights are forgotten. */
  async deleteCamera(id: number, accountId: number): Promise<void> {
    await this.writing(
      () => {
        this.camerasByAccount.invalidate(accountId);
        this.rightsByUser.invalidate();
      },
      () => this.call("DeleteCamera", [["ID", String(id)]], { idempotent: true }, z.unknown()),
    );
  }

  /** GetCameras of an account, or one camera by ID (ErrorCode 2 by ID = no such camera, as for users). */
  async getCameras(filter: { accountId?: number; id?: number }): Promise<ForpostCameraRecord[]> {
    const params: ForpostParams = [];
    if (filter.accountId !== undefined) params.push(["AccountID", String(filter.accountId)]);
    if (filter.id !== undefined) params.push(["ID", String(filter.id)]);
    return this.byIdOrEmpty(filter.id !== undefined && filter.accountId === undefined, () => this.call("GetCameras", params, { idempotent: true }, listOf(cameraRecord)));
  }

  /** The cameras of an account, shared like {@link usersOf} (`fresh` likewise). */
  async camerasOf(accountId: number, options: { fresh?: boolean } = {}): Promise<ForpostCameraRecord[]> {
    if (options.fresh) this.camerasByAccount.invalidate(accountId);
    return this.camerasByAccount.get(accountId);
  }

  /**
   * One camera, coalesced like {@link loadUser}. GetCameras does not name a camera's account, so
   * `inAccount` says whether it was found in the given account's list (false: it exists, but
   * Forpost did not list it there — moved, or the account was a guess).
   */
  async loadCamera(id: number, accountId?: number): Promise<{ record: ForpostCameraRecord; inAccount: boolean } | undefined> {
    const record = await this.cameras.load(`${accountId ?? ""}:${id}`);
    if (!record) return undefined;
    return { record, inAccount: accountId !== undefined && (record as { [IN_ACCOUNT]?: number })[IN_ACCOUNT] === accountId };
  }

  // ---------------------------------------------------------------------------------------------
  // Camera access rights

  /** Every camera right of one user (ErrorCode 2 = no such user, as above: no rows). */
  async getUserCameraAccessRights(userId: number): Promise<ForpostAccessRow[]> {
    return this.byIdOrEmpty(true, () => this.call("GetUserCameraAccessRights", [["UserID", String(userId)]], { idempotent: true }, listOf(accessRow)));
  }

  /** One user's rights, shared by the reads that arrive together (`fresh` as for {@link usersOf}). */
  async rightsOf(userId: number, options: { fresh?: boolean } = {}): Promise<ForpostAccessRow[]> {
    if (options.fresh) this.rightsByUser.invalidate(userId);
    return this.rightsByUser.get(userId);
  }

  /** Sets all six rights (a set, so repeating it is harmless: idempotent). */
  async updateUserCameraAccessRights(userId: number, cameraId: number, rights: ForpostAccessRights): Promise<void> {
    const bit = (b: boolean) => (b ? "1" : "0");
    const params: ForpostParams = [
      ["UserID", String(userId)],
      ["CameraID", String(cameraId)],
      ["Review", bit(rights.review)],
      ["ViewArchive", bit(rights.viewArchive)],
      ["Admin", bit(rights.admin)],
      ["PTZ", bit(rights.ptz)],
      ["Download", bit(rights.download)],
      ["Snapshot", bit(rights.snapshot)],
    ];
    await this.writing(() => this.rightsByUser.invalidate(userId), () => this.call("UpdateUserCameraAccessRights", params, { idempotent: true }, z.unknown()));
  }

  // ---------------------------------------------------------------------------------------------
  // Reference lists

  async getMasters(): Promise<ForpostNamed[]> {
    return this.call("GetMasters", [], { idempotent: true }, listOf(namedEntry));
  }

  /** Models with their brand ids, and the brands: one call for both. */
  async getCameraModelsAndBrands(): Promise<{ models: ForpostModel[]; brands: ForpostNamed[] }> {
    const answer = await this.call("GetCameraModelsAndBrands", [], { idempotent: true }, modelsAndBrands);
    return { models: answer.Models, brands: answer.Brands };
  }

  async getRecordTypes(): Promise<ForpostNamed[]> {
    return this.call("GetRecordTypes", [], { idempotent: true }, listOf(namedEntry));
  }

  async getProtocols(): Promise<Array<ForpostNamed<string>>> {
    return this.call("GetProtocols", [], { idempotent: true }, listOf(codedEntry));
  }

  async getRtspTransports(): Promise<Array<ForpostNamed<string>>> {
    return this.call("GetRtspTransports", [], { idempotent: true }, listOf(codedEntry));
  }

  async getPtzTypes(): Promise<ForpostNamed[]> {
    return this.call("GetPTZTypes", [], { idempotent: true }, listOf(namedEntry));
  }

  async getAuthProviders(): Promise<ForpostNamed[]> {
    return this.call("GetAuthProviders", [], { idempotent: true }, listOf(namedEntry));
  }

  // ---------------------------------------------------------------------------------------------
  // Coalesced account reads

  /**
   * One account, coalesced: a batch of a few is answered with FindAccounts by ID each, a bigger one
   * (or any, while a recent masAccounts is at hand) from one masAccounts. An account missing from
   * the list is confirmed with FindAccounts before it is reported gone.
   */
  async loadAccount(id: number): Promise<ForpostAccountRecord | undefined> {
    return this.accounts.load(id);
  }

  private async accountBatch(ids: readonly number[]): Promise<Map<number, ForpostAccountRecord | undefined>> {
    const found = new Map<number, ForpostAccountRecord | undefined>();
    let missing = [...ids];
    const now = Date.now();
    const listFresh =
      now - this.accountListAt <= SNAPSHOT_MAX_AGE_MS ||
      (now - this.accountListReadAt <= SNAPSHOT_MAX_AGE_MS && now - this.accountListAt <= SNAPSHOT_KEEP_ALIVE_MS);
    if (ids.length >= ACCOUNT_LIST_FROM || listFresh) {
      this.accountListReadAt = now;
      const byId = new Map((await this.accountList.get()).map((a) => [a.ID, a]));
      for (const id of ids) if (byId.has(id)) found.set(id, byId.get(id));
      missing = ids.filter((id) => !byId.has(id));
    }
    await Promise.all(
      missing.map(async (id) => {
        found.set(id, (await this.findAccounts({ id })).find((a) => a.ID === id));
      }),
    );
    return found;
  }

  /**
   * Answers `<account>:<id>` keys with one list per account (users or cameras), then by ID for
   * the keys not found in their account's list (or given without one). A record found in its
   * account's list is marked with that account, since GetCameras does not say it.
   */
  private async ownedBatch<T extends { ID: number }>(
    keys: readonly string[],
    listOfAccount: (account: number) => Promise<T[]>,
    byId: (id: number) => Promise<T[]>,
  ): Promise<Map<string, T | undefined>> {
    const found = new Map<string, T | undefined>();
    const parsed = keys.map((key) => {
      const [account, id] = key.split(":");
      return { key, account: account ? Number(account) : undefined, id: Number(id) };
    });
    const accounts = [...new Set(parsed.flatMap((p) => (p.account === undefined ? [] : [p.account])))];
    await Promise.all(
      accounts.map(async (account) => {
        let list: T[];
        try {
          list = await listOfAccount(account);
        } catch (error) {
          // The account itself is gone (ErrorCode 2): look its objects up one by one below.
          if (error instanceof VendorApiError && error.code === "2") return;
          throw error;
        }
        const byId = new Map(list.map((r) => [r.ID, r]));
        for (const p of parsed) {
          const record = p.account === account ? byId.get(p.id) : undefined;
          if (record) found.set(p.key, { ...record, [IN_ACCOUNT]: account });
        }
      }),
    );
    await Promise.all(
      parsed
        .filter((p) => !found.has(p.key))
        .map(async (p) => {
          found.set(p.key, (await byId(p.id)).find((r) => r.ID === p.id));
        }),
    );
    return found;
  }

  /** Runs a write, then forgets the lists it may have changed — also when it failed (it may have landed). */
  private async writing<T>(invalidate: () => void, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      invalidate();
    }
  }

  private invalidateAccounts(): void {
    this.accountListAt = 0;
    this.accountList.invalidate();
  }

  /** A by-ID read whose ErrorCode 2 means "no such object" (see {@link getAccountUsers}). */
  private async byIdOrEmpty<T>(byId: boolean, read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      if (byId && error instanceof VendorApiError && !(error instanceof VendorAuthError) && error.code === "2") return [];
      throw error;
    }
  }

  private async call<T>(method: string, params: ForpostParams, opts: { idempotent: boolean }, schema: z.ZodType<T>): Promise<T> {
    const answer = await this.transport.send({
      operation: method,
      method: "POST",
      path: `/system-api/${method}`,
      form: params,
      idempotent: opts.idempotent,
    });
    const error = forpostError(answer);
    if (error) throw toVendorError(method, answer.status, error);
    if (answer.status >= 400) {
      // A 5xx without Forpost's own {ErrorCode, Error} comes from the portal's web server or a
      // proxy in front of it, which may have passed the request on: for a write that is not safe
      // to repeat, what happened is unknown (a create looks before it sends again).
      throw new VendorApiError(`Forpost ${method} failed: HTTP ${answer.status} without a Forpost error in the answer (the portal or a proxy in front of it failed). ` +
          "Run `pulumi up` again once Forpost answers normally; if it persists, check forpost:url and the portal's health.", {
        vendor: "forpost",
        operation: method,
        httpStatus: answer.status,
        retryable: answer.status >= 500 || answer.status === 429,
        outcomeUnknown: !opts.idempotent && answer.status >= 500,
      });
    }
    // A success status whose body cannot be read (cut off, not JSON, not the documented shape):
    // Forpost processed the request, so a write's outcome is unknown, whether or not it is safe to
    // repeat — a create must look the object up instead of giving up with nothing in the state
    // (found by the fault suite: the objects were made and dropped from the state).
    let body: unknown;
    try {
      body = answer.json();
    } catch (error) {
      if (error instanceof VendorTransportError) throw error.with({ outcomeUnknown: isWrite(method) });
      throw error;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new VendorApiError(
        `Forpost ${method} answered in an unexpected shape (${parsed.error.issues[0]?.message ?? "invalid"}); ` +
          `is forpost:url pointing at a Forpost System API?`,
        { vendor: "forpost", operation: method, httpStatus: answer.status, outcomeUnknown: isWrite(method) },
      );
    }
    return parsed.data;
  }
}

let cached: { config: ReturnType<typeof forpostConfig.load>; client: ForpostClient } | undefined;

/** Marks a record found in an account's list with that account (GetCameras does not name it). */
const IN_ACCOUNT = Symbol("inAccount");

/**
 * One {@link listSnapshot} per key (an account's users, a user's rights), made on first use and
 * dropped when invalidated; the map is emptied when it grows past a bound, so a refresh of
 * 10,000 accounts does not keep 10,000 lists alive.
 */
class KeyedSnapshots<K, T> {
  private readonly snapshots = new Map<K, ListSnapshot<T>>();

  constructor(private readonly fetch: (key: K) => Promise<T[]>) {}

  get(key: K): Promise<T[]> {
    let snapshot = this.snapshots.get(key);
    if (!snapshot) {
      if (this.snapshots.size >= 2048) this.snapshots.clear();
      snapshot = listSnapshot({ fetch: () => this.fetch(key), maxAgeMs: KEYED_MAX_AGE_MS });
      this.snapshots.set(key, snapshot);
    }
    return snapshot.get();
  }

  /** Forgets one key's list, or every list. */
  invalidate(key?: K): void {
    if (key === undefined) {
      for (const snapshot of this.snapshots.values()) snapshot.invalidate();
      this.snapshots.clear();
      return;
    }
    this.snapshots.get(key)?.invalidate();
    this.snapshots.delete(key);
  }
}

/** Every System API method that only reads is named Get…, Find… or masAccounts; the rest change something. */
function isWrite(method: string): boolean {
  return !/^(Get|Find|mas)/.test(method);
}

/** `{ErrorCode, Error}` with a non-zero code, whatever the HTTP status. */
function forpostError(answer: HttpAnswer): { code: number; text: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(answer.text());
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const raw = (body as Record<string, unknown>).ErrorCode;
  const code = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof code !== "number" || code === 0) return undefined;
  const text = (body as Record<string, unknown>).Error;
  return { code, text: typeof text === "string" ? text : "" };
}

function isForpostError(answer: HttpAnswer): boolean {
  return forpostError(answer) !== undefined;
}

function toVendorError(method: string, httpStatus: number, error: { code: number; text: string }): VendorApiError {
  const meaning = ERROR_MEANING[error.code] ?? "error";
  const detail = error.text ? `: ${error.text}` : "";
  const details = { vendor: "forpost" as const, operation: method, code: String(error.code), httpStatus };
  if (error.code === 3) {
    return new VendorAuthError(
      `Forpost ${method} failed: access denied (ErrorCode 3${detail}). Check the admin credentials: ` +
        `forpost:adminLogin / FORPOST_ADMIN_LOGIN and forpost:adminPassword / FORPOST_ADMIN_PASSWORD.`,
      details,
    );
  }
  return new VendorApiError(`Forpost ${method} failed: ${meaning} (ErrorCode ${error.code}${detail})`, details);
}
