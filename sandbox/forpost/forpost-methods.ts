import { ACCOUNT_DEFAULTS, accountAnswer, type ForpostAccountFields, type ForpostAccountRecord } from "./forpost-account";
import type { ForpostAccountStore } from "./forpost-account-store";
import { ACCESS_METHODS } from "./forpost-access-methods";
import { CAMERA_METHODS } from "./forpost-camera-methods";
import type { ForpostCatalogues } from "./forpost-catalogues";
import type { ForpostData } from "./forpost-data";
import { ForpostError, validationError } from "./forpost-errors";
import type { ForpostTariff } from "./forpost-tariffs";
import { USER_METHODS } from "./forpost-user-methods";
import { parseIdParameter, parseNonNegativeInteger, parseTariffIdList, validateAccountFields } from "./forpost-validation";

/** The form fields of one call (credentials already checked). */
export type ForpostParams = Readonly<Record<string, string>>;

/** What the method implementations work on. */
export interface ForpostMethodContext {
  /** The accounts (the same store as `data.accounts`). */
  store: ForpostAccountStore;
  /** Everything stored: accounts, users, cameras, access rights, reachable camera addresses. */
  data: ForpostData;
  tariffs: readonly ForpostTariff[];
  catalogues: ForpostCatalogues;
  /** Reject an AddAccount/EditAccount whose ContractNumber another account already has. */
  uniqueContractNumber: boolean;
  /** Refuse an AddUser / AddCamera beyond the account's MaxLoginCount / MaxCameraCount. */
  enforceAccountLimits: boolean;
  /** Renders a read answer (list/find/get): numbers become strings when the emulator is so configured. */
  read(value: unknown): unknown;
}

type MethodImplementation = (params: ForpostParams, context: ForpostMethodContext) => unknown;

/**
 * Every method of System API 1.6.9, by name. Implemented: accounts and tariffs, users, cameras and
 * their catalogues, camera access rights; the rest (objects, groups, tickets, sessions, PayIn, …)
 * answer "not implemented".
 */
export const DOCUMENTED_METHODS = [
  "AddAccount", "EditAccount", "DeleteAccount", "masAccounts", "AddCamera", "GetMasters", "GetCameraModels",
  "GetCameraModelsAndBrands", "GetCameraBrands", "GetRecordTypes", "GetProtocols", "GetRtspTransports",
  "GetPTZTypes", "SyncCamera", "EditCamera", "DeleteCamera", "GetCameras", "GetObjects", "AddObject",
  "EditObject", "DeleteObject", "GetAccountUsers", "GetAuthProviders", "AddUser", "EditUser",
  "EditUserPassword", "DeleteUser", "GetUserCameraAccessRights", "UpdateUserCameraAccessRights",
  "GetEmbedClient", "FindAccounts", "BindAccountToForeignAccountGroups", "UnbindAccountFromForeignAccountGroups",
  "AddUsersToAccountGroups", "RemoveUsersFromAccountGroups", "GetTariffs", "SetAllowedAccountTariffs",
  "GetAllowedAccountTariffs", "SetAccountDefaultCameraTariff", "GetAccountDefaultCameraTariff", "PayIn",
  "CreateUserSession", "SetCameraStreamer", "GetAccountGroups", "SetExtBillingIDOfAccountGroup", "GetTickets",
  "SetTicketState", "AddTicketMessage",
] as const;

export type ForpostMethodName = (typeof DOCUMENTED_METHODS)[number];

/** The implemented methods. Write answers (`ID`, `Status`) carry numbers; read answers go through `context.read`. */
export const METHODS: Partial<Record<ForpostMethodName, MethodImplementation>> = {
  ...USER_METHODS,
  ...CAMERA_METHODS,
  ...ACCESS_METHODS,
  AddAccount(params, context) {
    const validated = validateAccountFields(params, "add");
    if (!validated.ok) throw validationError(validated.errors);
    checkContractNumberUnique(validated.value.ContractNumber, undefined, context);
    const record = context.store.create({ ...ACCOUNT_DEFAULTS, ...validated.value } as ForpostAccountFields);
    return { ID: record.ID };
  },

  // The document lists no answer beyond ID; an EditAccount with no field besides ID is a no-op
  // that still succeeds (the document is silent).
  EditAccount(params, context) {
    const account = existingAccount(params, "ID", context);
    const validated = validateAccountFields(params, "edit");
    if (!validated.ok) throw validationError(validated.errors);
    checkContractNumberUnique(validated.value.ContractNumber, account.ID, context);
    context.store.update(account.ID, validated.value);
    return { ID: account.ID };
  },

  // Deleting an account that does not exist is ErrorCode 2 like every by-ID method (the document
  // is silent); a client's delete must treat that as "already gone".
  // Its users and cameras go with it (see ForpostData).
  DeleteAccount(params, context) {
    const account = existingAccount(params, "ID", context);
    context.data.deleteAccount(account.ID);
    return { Status: 1 };
  },

  masAccounts(_params, context) {
    return context.read(context.store.list().map(accountAnswer));
  },

  // Filters: ID exact, Name a case-insensitive substring ("название или часть названия"),
  // ContractNumber exact and case-sensitive. Every given filter must match; an empty value counts as
  // not given (the document is silent on both). A malformed ID is ErrorCode 2; an ID that matches no
  // account is simply an empty result. Groups are not emulated: always [].
  FindAccounts(params, context) {
    let id: number | undefined;
    if (params["ID"] !== undefined && params["ID"] !== "") {
      id = parseNonNegativeInteger(params["ID"]);
      if (id === undefined) throw validationError(["ID must be a positive integer"]);
    }
    const name = params["Name"] ? params["Name"].toLocaleLowerCase() : undefined;
    const contractNumber = params["ContractNumber"] || undefined;
    // By ID: one record, not a scan of every account (10,000 in the benchmarks).
    const candidates = id === undefined ? context.store.list() : [context.store.get(id)].filter((a) => a !== undefined);
    const found = candidates
      .filter((account) => id === undefined || account.ID === id)
      .filter((account) => name === undefined || account.Name.toLocaleLowerCase().includes(name))
      .filter((account) => contractNumber === undefined || account.ContractNumber === contractNumber);
    return context.read(found.map((account) => ({ ...accountAnswer(account), Groups: [] })));
  },

  GetTariffs(_params, context) {
    return context.read(context.tariffs.map((tariff) => ({ ...tariff })));
  },

  // An empty list means "all tariffs allowed" (the document); the sandbox stores and answers it as
  // given (empty stays empty, it is not expanded to the catalogue). Stored ascending, deduplicated.
  SetAllowedAccountTariffs(params, context) {
    const account = existingAccount(params, "AccountID", context);
    const list = parseTariffIdList(params);
    if (!list.ok) throw validationError(list.errors);
    const unknown = list.value.filter((tariffId) => !context.tariffs.some((tariff) => tariff.ID === tariffId));
    if (unknown.length > 0) throw validationError([`TariffIDList: tariff(s) ${unknown.join(", ")} do not exist`]);
    context.store.update(account.ID, { AllowedTariffIDs: [...list.value].sort((a, b) => a - b) });
    return { Status: 1 };
  },

  GetAllowedAccountTariffs(params, context) {
    const account = existingAccount(params, "AccountID", context);
    return context.read(account.AllowedTariffIDs.map((tariffId) => ({ ID: tariffId })));
  },

  // TariffID 0 removes the default (the document). The sandbox does not require the default to be
  // among the allowed tariffs, and changing the allowed list leaves the default alone (silent).
  SetAccountDefaultCameraTariff(params, context) {
    const account = existingAccount(params, "AccountID", context);
    const raw = params["TariffID"];
    if (raw === undefined || raw === "") throw validationError(["TariffID is required"]);
    const tariffId = parseNonNegativeInteger(raw);
    if (tariffId === undefined) throw validationError(["TariffID must be a non-negative integer (0 removes the default)"]);
    if (tariffId !== 0 && !context.tariffs.some((tariff) => tariff.ID === tariffId)) {
      throw validationError([`TariffID: tariff ${tariffId} does not exist`]);
    }
    context.store.update(account.ID, { DefaultCameraTariffID: tariffId });
    return { Status: 1 };
  },

  // No default tariff is answered as {"ID": 0}, mirroring how it is set (the document is silent).
  GetAccountDefaultCameraTariff(params, context) {
    const account = existingAccount(params, "AccountID", context);
    return context.read({ ID: account.DefaultCameraTariffID });
  },
};

function existingAccount(params: ForpostParams, name: "ID" | "AccountID", context: ForpostMethodContext): ForpostAccountRecord {
  const id = parseIdParameter(params, name);
  if (!id.ok) throw validationError(id.errors);
  const account = context.store.get(id.value);
  if (!account) throw new ForpostError(2, `Account ${id.value} does not exist`);
  return account;
}

// The document calls ContractNumber "Уникальный номер счета/договора" (in FindAccounts) but never
// says AddAccount/EditAccount enforce it. Off by default, so a client that creates duplicates on a
// retry is caught by counting accounts rather than masked by an error.
function checkContractNumberUnique(contractNumber: string | null | undefined, selfId: number | undefined, context: ForpostMethodContext): void {
  if (!context.uniqueContractNumber || !contractNumber) return;
  const other = context.store.list().find((account) => account.ContractNumber === contractNumber && account.ID !== selfId);
  if (other) throw validationError([`ContractNumber is already used by account ${other.ID}`]);
}
