import type { ForpostAccountRecord } from "./forpost-account";
import { ForpostError, validationError } from "./forpost-errors";
import type { ForpostMethodContext, ForpostParams } from "./forpost-methods";
import { passwordDigest, USER_DEFAULTS, USER_FIELDS, userAnswer, type ForpostUserFields, type ForpostUserRecord } from "./forpost-records";
import { MAX_TEXT_LENGTH, parseIdParameter, validateFields } from "./forpost-validation";

/**
 * AddUser, GetAccountUsers, EditUser, EditUserPassword, DeleteUser and GetAuthProviders.
 *
 * Where the document is silent the sandbox decides:
 * - Logins are unique across the whole service, compared without case (GetEmbedClient and
 *   CreateUserSession address a user by `UserLogin` alone; MySQL's default collation ignores
 *   case). A taken login is ErrorCode 2.
 * - The account's MaxLoginCount is enforced only with `enforceAccountLimits` (the document says it
 *   limits the users "the subscriber can create", which may not bind the service administrator).
 * - EditUser ignores a Password field (the document excludes it; a PHP handler reading `$_POST` by
 *   name would not see it) and may move a user to another account (AccountID is an AddUser field).
 * - GetAccountUsers with an `ID` that matches nobody answers `[]`, like FindAccounts; with an
 *   `AccountID` that does not exist it is ErrorCode 2.
 */
export const USER_METHODS = {
  AddUser(params: ForpostParams, context: ForpostMethodContext) {
    const validated = validateFields<ForpostUserFields>(USER_FIELDS, params, "add");
    const password = params["Password"];
    const errors = validated.ok ? [] : [...validated.errors];
    if (password === undefined || password === "") errors.push("Password is required");
    else if (password.length > MAX_TEXT_LENGTH) errors.push(`Password must be at most ${MAX_TEXT_LENGTH} characters`);
    if (errors.length > 0 || !validated.ok) throw validationError(errors);
    const fields = { ...USER_DEFAULTS, ...validated.value } as ForpostUserFields;
    const account = existingAccount(fields.AccountID, context);
    checkReferences(fields, context);
    checkLoginFree(fields.Login, undefined, context);
    if (context.enforceAccountLimits) {
      const count = context.data.users.list((user) => user.AccountID === account.ID).length;
      if (count >= account.MaxLoginCount) throw validationError([`Account ${account.ID} already has ${count} users (MaxLoginCount ${account.MaxLoginCount})`]);
    }
    const user = context.data.users.create({ ...fields, PasswordDigest: passwordDigest(password!) });
    return { ID: user.ID };
  },

  GetAccountUsers(params: ForpostParams, context: ForpostMethodContext) {
    const filter = listFilter(params, "AccountID", context);
    return context.read(context.data.users.list((user) => filter(user.ID, user.AccountID)).map(userAnswer));
  },

  EditUser(params: ForpostParams, context: ForpostMethodContext) {
    const user = existingUser(params, context);
    const validated = validateFields<ForpostUserFields>(USER_FIELDS, params, "edit");
    if (!validated.ok) throw validationError(validated.errors);
    const changes = validated.value;
    if (changes.Login !== undefined && changes.Login.trim() === "") throw validationError(["Login must not be empty"]);
    if (changes.AccountID !== undefined) existingAccount(changes.AccountID, context);
    checkReferences(changes, context);
    if (changes.Login !== undefined) checkLoginFree(changes.Login, user.ID, context);
    context.data.users.update(user.ID, changes);
    return { ID: user.ID };
  },

  EditUserPassword(params: ForpostParams, context: ForpostMethodContext) {
    const user = existingUser(params, context);
    const password = params["Password"];
    if (password === undefined || password === "") throw validationError(["Password is required"]);
    if (password.length > MAX_TEXT_LENGTH) throw validationError([`Password must be at most ${MAX_TEXT_LENGTH} characters`]);
    context.data.users.update(user.ID, { PasswordDigest: passwordDigest(password) });
    return { ID: user.ID };
  },

  DeleteUser(params: ForpostParams, context: ForpostMethodContext) {
    const user = existingUser(params, context);
    context.data.deleteUser(user.ID);
    return { Status: 1 };
  },

  GetAuthProviders(_params: ForpostParams, context: ForpostMethodContext) {
    return context.read(context.catalogues.authProviders.map((entry) => ({ ...entry })));
  },
};

/**
 * The filter of a "list by owner, or one by ID" call (GetAccountUsers, GetCameras, GetObjects):
 * `ID` and/or the owner parameter; at least one is required ("да (если отсутствует параметр ID)").
 */
export function listFilter(params: ForpostParams, owner: "AccountID" | "UserID", context: ForpostMethodContext): (id: number, ownerId: number) => boolean {
  const hasId = params["ID"] !== undefined && params["ID"] !== "";
  const hasOwner = params[owner] !== undefined && params[owner] !== "";
  if (!hasId && !hasOwner) throw validationError([`${owner} is required (unless ID is given)`]);
  let id: number | undefined;
  let ownerId: number | undefined;
  if (hasId) {
    const parsed = parseIdParameter(params, "ID");
    if (!parsed.ok) throw validationError(parsed.errors);
    id = parsed.value;
  }
  if (hasOwner) {
    const parsed = parseIdParameter(params, owner);
    if (!parsed.ok) throw validationError(parsed.errors);
    ownerId = parsed.value;
    if (owner === "AccountID") existingAccount(ownerId, context);
  }
  return (recordId, recordOwner) => (id === undefined || recordId === id) && (ownerId === undefined || recordOwner === ownerId);
}

export function existingAccount(id: number, context: ForpostMethodContext): ForpostAccountRecord {
  const account = context.data.accounts.get(id);
  if (!account) throw new ForpostError(2, `Account ${id} does not exist`);
  return account;
}

export function existingUser(params: ForpostParams, context: ForpostMethodContext, name = "ID"): ForpostUserRecord {
  const id = parseIdParameter(params, name);
  if (!id.ok) throw validationError(id.errors);
  const user = context.data.users.get(id.value);
  if (!user) throw new ForpostError(2, `User ${id.value} does not exist`);
  return user;
}

function checkReferences(fields: Partial<ForpostUserFields>, context: ForpostMethodContext): void {
  const provider = fields.AuthProviderID;
  if (provider !== undefined && provider !== null && !context.catalogues.authProviders.some((p) => p.ID === provider)) {
    throw validationError([`AuthProviderID: auth provider ${provider} does not exist`]);
  }
  if (fields.Login !== undefined && fields.Login.trim() === "") throw validationError(["Login must not be empty"]);
}

function checkLoginFree(login: string, selfId: number | undefined, context: ForpostMethodContext): void {
  const wanted = login.toLocaleLowerCase();
  const other = context.data.users.list((user) => user.Login.toLocaleLowerCase() === wanted && user.ID !== selfId)[0];
  if (other) throw validationError([`Login "${login}" is already taken`]);
}
