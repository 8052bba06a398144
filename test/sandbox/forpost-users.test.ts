import { describe, expect, it } from "vitest";
import { ForpostEmulator } from "../../sandbox/forpost";
import { ADMIN_LOGIN, ADMIN_PASSWORD, MINIMAL_USER, addAccount, addOne, callForpost, useForpostEmulator } from "./forpost-call";
import { useEmulator } from "./use-emulator";

/** AddUser / GetAccountUsers / EditUser / EditUserPassword / DeleteUser as the document describes them. */
const forpost = useForpostEmulator();
const emulator = forpost.emulator;

const addUser = (fields: Record<string, string>) => addOne(forpost.url, "AddUser", fields);
const users = async (params: Record<string, string>) => (await callForpost(forpost.url, "GetAccountUsers", params)).json as Array<Record<string, unknown>>;

describe("AddUser", () => {
  it("answers the new user's ID, counting from 5001, and GetAccountUsers lists exactly the documented fields", async () => {
    const account = await addAccount(forpost.url);
    const id = await addUser({ AccountID: String(account), ...MINIMAL_USER, Email: "ivanov@example.org", Phone: "+7 900 000-00-00", FIO: "Иванов Иван" });
    expect(id).toBe(5001);
    expect(await users({ AccountID: String(account) })).toEqual([
      { ID: "5001", Login: "ivanov", IsActive: "1", IsReadOnly: "0", AccountID: String(account), Email: "ivanov@example.org" },
    ]);
  });

  it("applies the document's defaults (IsReadOnly 0, CanChangeOwnInfo 1, ChangePasswordAtNextLogin 0, IsActive 1)", async () => {
    const account = await addAccount(forpost.url);
    const id = await addUser({ AccountID: String(account), ...MINIMAL_USER });
    expect(emulator.users.get(id)).toMatchObject({ IsReadOnly: 0, CanChangeOwnInfo: 1, ChangePasswordAtNextLogin: 0, IsActive: 1, Email: null, AuthProviderID: null });
    expect(emulator.users.passwordMatches(id, "user-pw-1")).toBe(true);
  });

  it("requires AccountID, Login and Password, naming each (ErrorCode 2)", async () => {
    const answer = await callForpost(forpost.url, "AddUser", {});
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ErrorCode: 2 });
    for (const name of ["AccountID", "Login", "Password"]) expect((answer.json as { Error: string }).Error).toContain(name);
  });

  it("refuses an account that does not exist, a flag that is not 0/1 and an unknown auth provider", async () => {
    expect((await callForpost(forpost.url, "AddUser", { AccountID: "999", ...MINIMAL_USER })).json).toEqual({ ErrorCode: 2, Error: "Account 999 does not exist" });
    const account = String(await addAccount(forpost.url));
    expect(((await callForpost(forpost.url, "AddUser", { AccountID: account, ...MINIMAL_USER, IsReadOnly: "yes" })).json as { Error: string }).Error).toContain("IsReadOnly must be 1 or 0");
    expect(((await callForpost(forpost.url, "AddUser", { AccountID: account, ...MINIMAL_USER, AuthProviderID: "9" })).json as { Error: string }).Error).toContain("auth provider 9 does not exist");
  });

  it("keeps logins unique across every account, without regard to case", async () => {
    const a = String(await addAccount(forpost.url));
    const b = String(await addAccount(forpost.url));
    await addUser({ AccountID: a, ...MINIMAL_USER });
    const answer = await callForpost(forpost.url, "AddUser", { AccountID: b, ...MINIMAL_USER, Login: "IVANOV" });
    expect(answer.json).toEqual({ ErrorCode: 2, Error: 'Login "IVANOV" is already taken' });
    expect(emulator.users.list()).toHaveLength(1);
  });

  it("does not limit users to MaxLoginCount by default, and does with enforceAccountLimits", async () => {
    const account = String(await addAccount(forpost.url, { MaxLoginCount: "1" }));
    await addUser({ AccountID: account, ...MINIMAL_USER });
    await addUser({ AccountID: account, Login: "second", Password: "pw-2" });
    expect(emulator.users.list()).toHaveLength(2);
  });
});

describe("AddUser with enforceAccountLimits", () => {
  const strict = useEmulator(new ForpostEmulator({ adminLogin: ADMIN_LOGIN, adminPassword: ADMIN_PASSWORD, enforceAccountLimits: true }), "Forpost");
  it("refuses a user beyond the account's MaxLoginCount (ErrorCode 2)", async () => {
    const account = String(await addAccount(strict.url, { MaxLoginCount: "1" }));
    expect((await callForpost(strict.url, "AddUser", { AccountID: account, ...MINIMAL_USER })).status).toBe(200);
    const answer = await callForpost(strict.url, "AddUser", { AccountID: account, Login: "second", Password: "pw-2" });
    expect(answer.json).toEqual({ ErrorCode: 2, Error: `Account ${account} already has 1 users (MaxLoginCount 1)` });
  });
});

describe("GetAccountUsers", () => {
  it("filters by AccountID, by ID, or both; an ID that matches nobody is []", async () => {
    const a = String(await addAccount(forpost.url));
    const b = String(await addAccount(forpost.url));
    const ua = await addUser({ AccountID: a, ...MINIMAL_USER });
    const ub = await addUser({ AccountID: b, Login: "petrov", Password: "pw" });
    expect((await users({ AccountID: b })).map((u) => u["ID"])).toEqual([String(ub)]);
    expect((await users({ ID: String(ua) })).map((u) => u["Login"])).toEqual(["ivanov"]);
    expect(await users({ ID: String(ua), AccountID: b })).toEqual([]);
    expect(await users({ ID: "99999" })).toEqual([]);
  });

  it("requires AccountID unless ID is given, and refuses an account that does not exist", async () => {
    expect((await callForpost(forpost.url, "GetAccountUsers")).json).toEqual({ ErrorCode: 2, Error: "AccountID is required (unless ID is given)" });
    expect((await callForpost(forpost.url, "GetAccountUsers", { AccountID: "4242" })).json).toEqual({ ErrorCode: 2, Error: "Account 4242 does not exist" });
  });
});

describe("EditUser and EditUserPassword", () => {
  it("changes only the fields given; a Password field is ignored (the document excludes it)", async () => {
    const account = String(await addAccount(forpost.url));
    const id = await addUser({ AccountID: account, ...MINIMAL_USER, Email: "old@example.org" });
    expect((await callForpost(forpost.url, "EditUser", { ID: String(id), IsReadOnly: "1", Password: "sneaky" })).json).toEqual({ ID: id });
    expect(emulator.users.get(id)).toMatchObject({ IsReadOnly: 1, Email: "old@example.org", Login: "ivanov" });
    expect(emulator.users.passwordMatches(id, "user-pw-1")).toBe(true);
  });

  it("EditUserPassword sets the password; an empty one is refused", async () => {
    const account = String(await addAccount(forpost.url));
    const id = await addUser({ AccountID: account, ...MINIMAL_USER });
    expect((await callForpost(forpost.url, "EditUserPassword", { ID: String(id), Password: "new-pw" })).json).toEqual({ ID: id });
    expect(emulator.users.passwordMatches(id, "new-pw")).toBe(true);
    expect((await callForpost(forpost.url, "EditUserPassword", { ID: String(id) })).json).toEqual({ ErrorCode: 2, Error: "Password is required" });
  });

  it("refuses a login another user has, and a user that does not exist", async () => {
    const account = String(await addAccount(forpost.url));
    await addUser({ AccountID: account, ...MINIMAL_USER });
    const other = await addUser({ AccountID: account, Login: "petrov", Password: "pw" });
    expect((await callForpost(forpost.url, "EditUser", { ID: String(other), Login: "Ivanov" })).json).toMatchObject({ ErrorCode: 2 });
    expect((await callForpost(forpost.url, "EditUser", { ID: "5999", Email: "x@example.org" })).json).toEqual({ ErrorCode: 2, Error: "User 5999 does not exist" });
  });
});

describe("DeleteUser", () => {
  it("deletes (Status 1); a user that does not exist is ErrorCode 2", async () => {
    const account = String(await addAccount(forpost.url));
    const id = await addUser({ AccountID: account, ...MINIMAL_USER });
    expect((await callForpost(forpost.url, "DeleteUser", { ID: String(id) })).json).toEqual({ Status: 1 });
    expect(emulator.users.list()).toEqual([]);
    expect((await callForpost(forpost.url, "DeleteUser", { ID: String(id) })).json).toEqual({ ErrorCode: 2, Error: `User ${id} does not exist` });
  });

  it("DeleteAccount takes the account's users along", async () => {
    const account = await addAccount(forpost.url);
    await addUser({ AccountID: String(account), ...MINIMAL_USER });
    await callForpost(forpost.url, "DeleteAccount", { ID: String(account) });
    expect(emulator.users.list()).toEqual([]);
  });
});

describe("GetAuthProviders", () => {
  it("lists the password check methods", async () => {
    expect((await callForpost(forpost.url, "GetAuthProviders")).json).toEqual([
      { ID: "1", Name: "Форпост" },
      { ID: "2", Name: "LDAP" },
    ]);
  });
});
