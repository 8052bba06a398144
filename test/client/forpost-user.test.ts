import { describe, expect, it } from "vitest";
import { ADOPT_KEY, IMPORT_KEY } from "../../provider/core/adoption";
import { ResourceInitError } from "../../provider/core/errors";
import { forpostUser } from "../../provider/forpost/user";
import { PORTAL_ACCOUNT, USER_CREATE_CALLS, USER_INPUTS } from "../fixtures/forpost-subscriber";
import { checkAndCreate, checked, failureOf, useForpostSandbox } from "./forpost-setup";

/** ForpostUser's own methods (what the host calls) against the emulator. */
const t = useForpostSandbox();
const account = () => t.emulator.accounts.add(PORTAL_ACCOUNT).ID;
const userOf = (accountId: number, extra: Record<string, unknown> = {}) => ({ accountId: String(accountId), ...USER_INPUTS, ...extra });

describe("forpostUser: create", () => {
  it("creates the user with its password; the id is the Forpost user ID; four calls", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostUser, userOf(a));
    expect(id).toBe("5001");
    expect(outs).toMatchObject({ ...USER_INPUTS, accountId: String(a), isActive: true, userId: 5001 });
    expect(t.routes()).toEqual(USER_CREATE_CALLS);
    expect(t.emulator.users.get(5001)).toMatchObject({ Login: "ivanov-family", FIO: "Иванова Мария", IsReadOnly: 1, Email: "family@example.org" });
    expect(t.emulator.users.passwordMatches(5001, USER_INPUTS.password)).toBe(true);
  });

  it("accepts the account as the ForpostAccount's id (a string) or its accountId output (a number)", async () => {
    const a = account();
    const { inputs } = await forpostUser.check({}, userOf(a, { accountId: a }));
    expect(inputs["accountId"]).toBe(String(a));
    const bad = await forpostUser.check({}, userOf(a, { accountId: "acme-id" }));
    expect(bad.failures).toEqual([{ property: "accountId", reason: "must be a Forpost account ID: digits, e.g. the `id` output of the account's resource" }]);
  });

  it("refuses, before AddUser, a login the account already has, and adopts it with adoptExisting", async () => {
    const a = account();
    t.emulator.users.add({ AccountID: a, Login: USER_INPUTS.login, Password: "portal-pw" });
    await expect(checkAndCreate(forpostUser, userOf(a))).rejects.toThrow(
      /Forpost already has a user with login "ivanov-family" \(id 5001 "ivanov-family"\); refusing to create a duplicate\. To manage it with this program, add the resource option `\{ adoptExisting: true \}`/,
    );
    expect(t.sent("AddUser")).toEqual([]);
    t.emulator.log.clear();
    const { id } = await checkAndCreate(forpostUser, { ...userOf(a), [ADOPT_KEY]: true });
    expect(id).toBe("5001");
    // Adopted: the declared values that differ are applied; the password is write-only and kept as declared.
    expect(t.routes()).not.toContain("AddUser");
    expect(t.sent("EditUser")).toEqual([{ ID: "5001", Email: "family@example.org", IsReadOnly: "1" }]);
    expect(t.emulator.users.passwordMatches(5001, "portal-pw")).toBe(true);
  });

  it("explains a login Forpost refuses because another account's user has it", async () => {
    const other = t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: "C-2002" }).ID;
    t.emulator.users.add({ AccountID: other, Login: USER_INPUTS.login, Password: "portal-pw" });
    const a = account();
    const error = await failureOf(checkAndCreate(forpostUser, userOf(a)));
    expect(error.message).toMatch(/Forpost AddUser failed: parameter validation failed \(ErrorCode 2: Login "ivanov-family" is already taken\)\. If the login "ivanov-family" is taken: Forpost logins are unique across all accounts/);
    expect(t.emulator.users.list(a)).toEqual([]);
  });

  it("checks the account's MaxLoginCount before AddUser, naming the limit and the users it has", async () => {
    const a = t.emulator.accounts.add({ ...PORTAL_ACCOUNT, MaxLoginCount: 1 }).ID;
    t.emulator.users.add({ AccountID: a, Login: "ivanov", Password: "portal-pw" });
    await expect(checkAndCreate(forpostUser, userOf(a))).rejects.toThrow(
      `forpost:User "ivanov-family": Forpost account ${a} allows 1 user (MaxLoginCount) and already has 1 (ivanov); nothing was created. Raise maxLoginCount on the account's ForpostAccount`,
    );
    expect(t.sent("AddUser")).toEqual([]);
  });

  it("names a missing account instead of sending AddUser", async () => {
    await expect(checkAndCreate(forpostUser, userOf(4242))).rejects.toThrow(/Forpost has no account 4242 \(accountId\)/);
    expect(t.sent("AddUser")).toEqual([]);
  });

  it("finds its own user after a lost AddUser answer instead of adding a second one", async () => {
    const a = account();
    t.emulator.faults.set("AddUser", { drop: "after", times: 1 });
    const { id } = await checkAndCreate(forpostUser, userOf(a));
    expect(id).toBe("5001");
    expect(t.emulator.users.list()).toHaveLength(1);
    expect(t.sent("AddUser")).toHaveLength(1);
  });

  it("sends AddUser again when the lost request never reached Forpost", async () => {
    const a = account();
    t.emulator.faults.set("AddUser", { drop: "before", times: 1 });
    const { id } = await checkAndCreate(forpostUser, userOf(a));
    expect(id).toBe("5001");
    expect(t.emulator.log.entries("AddUser")).toHaveLength(2);
    expect(t.emulator.users.list()).toHaveLength(1);
  });

  it("leaves a pending placeholder, never a second user, when the look-up after a lost answer fails too", async () => {
    const a = account();
    t.emulator.faults.set("AddUser", { drop: "after", times: 1 });
    t.emulator.faults.set("GetAccountUsers", { after: 1, status: 500, body: { ErrorCode: 1, Error: "db down" } });
    const error = await failureOf(checkAndCreate(forpostUser, userOf(a)));
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
    expect(error.message).toMatch(/could not tell whether Forpost created it \(login "ivanov-family"\)/);
    t.emulator.faults.clear();
    // The next refresh finds the user by its login and the placeholder becomes it.
    const read = await forpostUser.read(error.id, error.properties);
    expect(read.id).toBe("5001");
    expect(t.emulator.users.list()).toHaveLength(1);
  });

  it("keeps a user whose read-back failed in the state (the error carries its id)", async () => {
    const a = account();
    t.emulator.faults.set("GetAccountUsers", { after: 1, status: 500, body: { ErrorCode: 1, Error: "db busy" }, times: 3 });
    const error = await failureOf(checkAndCreate(forpostUser, userOf(a)));
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toBe("5001");
    expect(error.properties).toMatchObject({ login: USER_INPUTS.login, userId: 5001 });
    t.emulator.faults.clear();
    expect((await forpostUser.read("5001", error.properties)).inputs).toMatchObject({ login: USER_INPUTS.login });
  });

  it("never lets the password out in an error, even when Forpost echoes it", async () => {
    const a = account();
    t.emulator.faults.set("AddUser", { status: 400, body: { ErrorCode: 2, Error: `Password ${USER_INPUTS.password} is too weak` } });
    const error = await failureOf(checkAndCreate(forpostUser, userOf(a)));
    expect(error.message).toContain("Password *** is too weak");
    expect(error.message).not.toContain(USER_INPUTS.password);
  });

  it("requires a password to create, not to import or adopt", async () => {
    const a = account();
    const { password: _p, ...noPassword } = userOf(a);
    expect((await forpostUser.check({}, noPassword)).failures).toEqual([
      { property: "password", reason: "is required to create a user (AddUser needs one); only an imported or adopted user may leave it out" },
    ]);
    expect((await forpostUser.check({}, { ...noPassword, [ADOPT_KEY]: true })).failures).toEqual([]);
    await expect(forpostUser.create(await checked(forpostUser, { ...noPassword, [ADOPT_KEY]: true }))).rejects.toThrow(/password is required to create the user \(none exists with this login/);
  });
});

describe("forpostUser: update, refresh, delete", () => {
  it("sends EditUser with only the changed fields and the password only through EditUserPassword", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostUser, userOf(a));
    t.emulator.log.clear();
    const news = await checked(forpostUser, userOf(a, { email: "new@example.org", password: "test-only-user-pw-2", isActive: false }), outs);
    expect(await forpostUser.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: after } = await forpostUser.update(id, outs, news);
    expect(t.sent("EditUser")).toEqual([{ ID: "5001", Email: "new@example.org", IsActive: "0" }]);
    expect(t.emulator.log.entries("EditUserPassword")).toHaveLength(1);
    expect(t.emulator.users.passwordMatches(5001, "test-only-user-pw-2")).toBe(true);
    expect(after).toMatchObject({ email: "new@example.org", isActive: false, password: "test-only-user-pw-2" });
    t.emulator.log.clear();
    expect(await forpostUser.diff(id, after, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await forpostUser.update(id, after, news);
    expect(t.routes()).toEqual([]);
  });

  it("renames the login in place, and replaces (old first) when the account changes", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostUser, userOf(a));
    const renamed = await checked(forpostUser, userOf(a, { login: "maria" }), outs);
    expect(await forpostUser.diff(id, outs, renamed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    await forpostUser.update(id, outs, renamed);
    expect(t.emulator.users.get(5001)?.Login).toBe("maria");
    const moved = await checked(forpostUser, userOf(a + 1, { login: "maria" }), outs);
    expect(await forpostUser.diff(id, { ...outs, login: "maria" }, moved)).toEqual({ changes: true, replaces: ["accountId"], deleteBeforeReplace: true });
  });

  it("refresh shows drift in what Forpost returns, keeps the write-only inputs, and reports a deleted user gone", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostUser, userOf(a));
    t.emulator.users.patch(5001, { Email: "portal@example.org", IsActive: 0, FIO: "Changed in the portal" });
    t.configure();
    const read = await forpostUser.read(id, outs);
    expect(read.inputs).toEqual({ ...userOf(a), email: "portal@example.org" });
    expect(read.props).toMatchObject({ isActive: false, fullName: "Иванова Мария" });
    t.emulator.users.patch(5001, { AccountID: t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: "X" }).ID });
    t.configure();
    expect((await forpostUser.read(id, outs)).inputs).toMatchObject({ accountId: String(a + 1) });
    t.emulator.users.delete(5001);
    t.configure();
    expect(await forpostUser.read(id, outs)).toEqual({});
  });

  it("deletes; deleting a user that is already gone succeeds", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostUser, userOf(a));
    await forpostUser.delete(id, outs);
    expect(t.emulator.users.list()).toEqual([]);
    await expect(forpostUser.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("forpostUser: import by id", () => {
  it("reads a user from its id alone; a match writes nothing, a mismatch lists every difference, a missing id is named", async () => {
    const a = account();
    t.emulator.users.add({ AccountID: a, Login: "portal-user", Password: "portal-pw", Email: "p@example.org", IsReadOnly: 1 });
    const declared = { accountId: String(a), login: "portal-user", email: "p@example.org", isReadOnly: true };
    expect((await forpostUser.read("5001", {})).props).toMatchObject({ ...declared, isActive: true, userId: 5001 });
    expect((await forpostUser.check({}, { ...declared, [IMPORT_KEY]: "5001" })).failures).toEqual([]);
    t.emulator.log.clear();
    const imported = await forpostUser.create(await checked(forpostUser, { ...declared, [IMPORT_KEY]: "5001" }));
    expect(imported.id).toBe("5001");
    expect(t.routes().filter((r) => !r!.startsWith("Get"))).toEqual([]);
    const mismatch = await forpostUser.check({}, { ...declared, login: "other", isReadOnly: false, [IMPORT_KEY]: "5001" });
    expect(mismatch.failures.map((f) => f.property)).toEqual(["login", "isReadOnly"]);
    expect(mismatch.failures[0]!.reason).toMatch(/declared "other", Forpost has "portal-user"/);
    const missing = await forpostUser.check({}, { ...declared, [IMPORT_KEY]: "5999" });
    expect(missing.failures).toEqual([{ property: IMPORT_KEY, reason: 'Forpost has no user with id "5999" (it does not exist, or is another kind of object): check the id' }]);
    // A camera's id is not a user's.
    expect((await forpostUser.check({}, { ...declared, [IMPORT_KEY]: "7001" })).failures[0]!.property).toBe(IMPORT_KEY);
  });
});

describe("forpostUser: coalesced refresh", () => {
  it("answers 30 concurrent reads of users in 3 accounts with one GetAccountUsers per account", async () => {
    const accounts = [account(), t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: "C-2" }).ID, t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: "C-3" }).ID];
    const users = Array.from({ length: 30 }, (_, i) => t.emulator.users.add({ AccountID: accounts[i % 3]!, Login: `u${i}`, Password: "pw-x" }));
    t.emulator.users.delete(users[29]!.ID);
    const reads = await Promise.all(users.map((u) => forpostUser.read(String(u.ID), { accountId: String(u.AccountID), login: u.Login })));
    expect(reads.filter((r) => r.id !== undefined)).toHaveLength(29);
    // The deleted user is confirmed gone by ID: its account's list is not trusted alone.
    expect(t.routes().sort()).toEqual(["GetAccountUsers", "GetAccountUsers", "GetAccountUsers", "GetAccountUsers"]);
    expect(t.sent("GetAccountUsers").filter((p) => p["ID"] !== undefined)).toEqual([{ ID: String(users[29]!.ID) }]);
  });
});
