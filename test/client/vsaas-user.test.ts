import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ResourceInitError } from "../../provider/core/errors";
import { redact } from "../../provider/core/redact";
import { DECLARED_KEY } from "../../provider/core/resource";
import { vsaasUser } from "../../provider/vsaas/user";
import { WatcherClient } from "../../provider/vsaas/watcher-client";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import {
  forgetVsaasLists,
  USER_CREATE_CALLS,
  USER_CREATE_CALLS_FIRST,
  USER_DELETE_CALLS,
  USER_INPUTS,
  USER_READ_CALLS,
  useVsaasConfig,
  vsaasConfigOf,
} from "../fixtures/vsaas-watcher";

/** VsaasUser's own methods (what the host calls) against the emulator, without the host. */
const PASSWORD = "test-only-vsaas-user-billing-pw";
const USER_PASSWORD = "test-only-subscriber-pw-1";
let sandbox: RunningSandbox;
const emulator = () => sandbox.vsaas.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const clearLog = () => emulator().log.clear();
const same = { changes: false, replaces: [], deleteBeforeReplace: false };
const inputs = { ...USER_INPUTS, password: USER_PASSWORD };

beforeAll(async () => {
  sandbox = await startSandbox({ vsaas: { password: PASSWORD } });
  useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD));
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  emulator().reset();
  forgetVsaasLists();
});

async function create(values: Record<string, unknown> = inputs, extra: Record<string, unknown> = {}) {
  const { inputs: checked, failures } = await vsaasUser.check({}, { ...values, ...extra });
  expect(failures).toEqual([]);
  return vsaasUser.create(checked);
}

describe("vsaasUser: create, read, update, delete", () => {
  it("creates the login, takes it out of the default organization, and keeps no apikey anywhere", async () => {
    const { id, outs } = await create();
    const watcherUser = emulator().watcher.userByLogin("ivanov@example.org")!;
    expect(id).toBe(String(watcherUser.id));
    expect(outs).toEqual({
      login: "ivanov@example.org",
      password: USER_PASSWORD,
      leaveDefaultOrganization: true,
      userId: watcherUser.id,
      isAdmin: false,
      enabled: true,
      [DECLARED_KEY]: ["login", "password", "leaveDefaultOrganization"],
    });
    expect(routes()).toEqual(USER_CREATE_CALLS_FIRST);
    expect(emulator().log.entries()[1]!.params).toEqual({ login: "ivanov@example.org", password: "***" });
    expect(watcherUser.organizations).toEqual([]);
    expect(emulator().watcher.access({ login: "ivanov@example.org", password: USER_PASSWORD, organizationId: 752, folderId: 1155 })).toMatchObject({ canLogIn: true, member: false });
    // A second create in the same process knows the default organization already.
    clearLog();
    await create({ ...inputs, login: "petrov@example.org" });
    expect(routes()).toEqual(USER_CREATE_CALLS);
  });

  it("leaveDefaultOrganization: false keeps the user in Unassigned cameras; it updates in place both ways", async () => {
    const { id, outs } = await create(inputs, { leaveDefaultOrganization: false });
    expect(outs).toMatchObject({ leaveDefaultOrganization: false });
    expect(emulator().watcher.user(Number(id))!.organizations).toEqual([752]);
    expect(routes()).toEqual(["watcher.users.index", "watcher.users.create", "watcher.organizations.index"]);
    const news = { ...inputs, leaveDefaultOrganization: true };
    expect(await vsaasUser.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    clearLog();
    const { outs: left } = await vsaasUser.update(id, outs, news);
    expect(routes()).toEqual(["watcher.organization_users.destroy"]);
    expect(left).toMatchObject({ leaveDefaultOrganization: true });
    expect(emulator().watcher.user(Number(id))!.organizations).toEqual([]);
    const { outs: back } = await vsaasUser.update(id, left, { ...inputs, leaveDefaultOrganization: false });
    expect(back).toMatchObject({ leaveDefaultOrganization: false });
    expect(emulator().watcher.user(Number(id))!.organizations).toEqual([752]);
  });

  it("refreshes from the one user list; drift (put back in the default organization, login renamed) shows; gone is gone", async () => {
    const { id, outs } = await create();
    clearLog();
    const read = await vsaasUser.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual(inputs);
    expect(routes()).toEqual(USER_READ_CALLS);
    emulator().watcher.addMember(752, Number(id));
    emulator().watcher.editUser(Number(id), { login: "renamed@example.org" });
    forgetVsaasLists();
    const drifted = await vsaasUser.read(id, outs);
    expect(drifted.inputs).toEqual({ ...inputs, login: "renamed@example.org", leaveDefaultOrganization: false });
    const diff = await vsaasUser.diff(id, drifted.props!, inputs);
    expect(diff).toEqual({ changes: true, replaces: ["login"], deleteBeforeReplace: true });
    emulator().watcher.deleteUser(Number(id));
    forgetVsaasLists();
    expect(await vsaasUser.read(id, outs)).toEqual({});
  });

  it("login and password replace, deleting first (the login is unique); nothing else replaces", async () => {
    const { id, outs } = await create();
    expect(await vsaasUser.diff(id, outs, inputs)).toEqual(same);
    expect(await vsaasUser.diff(id, outs, { ...inputs, password: "another-password" })).toEqual({ changes: true, replaces: ["password"], deleteBeforeReplace: true });
    expect(await vsaasUser.diff(id, outs, { ...inputs, login: "other@example.org" })).toMatchObject({ replaces: ["login"], deleteBeforeReplace: true });
  });

  it("deletes (its memberships go with it); deleting again succeeds", async () => {
    const { id, outs } = await create();
    clearLog();
    await vsaasUser.delete(id, outs);
    expect(routes()).toEqual(USER_DELETE_CALLS);
    expect(emulator().watcher.user(Number(id))).toBeUndefined();
    await expect(vsaasUser.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("vsaasUser: the list's apikeys", () => {
  it("drops every user's apikey at the client and registers it for redaction", async () => {
    await create();
    const list = await WatcherClient.fromConfig().listUsers({ fresh: true });
    expect(list.length).toBeGreaterThan(1);
    for (const u of list) expect(Object.keys(u)).not.toContain("apikey");
    // Every apikey the Watcher answered is masked wherever a message might carry it.
    const answer = (await (await fetch(`${sandbox.vsaas.url}/vsaas/api/v2/users`, { headers: { "x-vsaas-api-key": sandbox.vsaas.watcherApiKey } })).json()) as Array<{ apikey: string | null }>;
    const keys = answer.map((u) => u.apikey).filter((k): k is string => typeof k === "string");
    expect(keys.length).toBe(answer.length);
    for (const key of keys) expect(redact(`the key is ${key}`)).toBe("the key is ***");
  });
});

describe("vsaasUser: check", () => {
  it("names each bad field without calling the Watcher, and accepts unknowns", async () => {
    clearLog();
    expect((await vsaasUser.check({}, { login: " x@example.org", password: "", leaveDefaultOrganization: "yes" })).failures).toEqual([
      { property: "login", reason: "must not start or end with spaces" },
      { property: "password", reason: "must not be empty" },
      { property: "leaveDefaultOrganization", reason: 'must be true or false (got "yes")' },
    ]);
    expect((await vsaasUser.check({}, { password: "x" })).failures).toEqual([{ property: "login", reason: "is required" }]);
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect((await vsaasUser.check({}, { login: unknown, password: unknown })).failures).toEqual([]);
    expect(routes()).toEqual([]);
  });

  it("refuses to create without a password, before calling anything that writes", async () => {
    await expect(create(USER_INPUTS)).rejects.toThrow(/password: VSAAS.IO needs one to create the user "ivanov@example.org".*import it.*adopt it/);
    expect(routes()).not.toContain("watcher.users.create");
  });
});

describe("vsaasUser: adoption and duplicates", () => {
  it("refuses a taken login, naming the user and suggesting adoptExisting; adoptExisting adopts it and applies leaveDefaultOrganization", async () => {
    const existing = emulator().watcher.addUser("ivanov@example.org", "set-by-hand-1");
    await expect(create()).rejects.toThrow(new RegExp(`already has a user with login "ivanov@example.org" \\(id ${existing.id} "ivanov@example.org"\\).*adoptExisting`));
    const { id, outs } = await create(inputs, { __adopt: true });
    expect(id).toBe(String(existing.id));
    expect(outs).toMatchObject({ leaveDefaultOrganization: true, password: USER_PASSWORD });
    expect(emulator().watcher.user(existing.id)!.organizations).toEqual([]);
    expect(emulator().watcher.users().filter((u) => u.login === "ivanov@example.org")).toHaveLength(1);
  });

  it("names the holder when the Watcher refuses a login that differs only in case", async () => {
    const existing = emulator().watcher.addUser("Ivanov@Example.org", "set-by-hand-2");
    await expect(create()).rejects.toThrow(new RegExp(`HTTP 400\\): User with login "ivanov@example.org" already exists\\. .*\\(id ${existing.id} "Ivanov@Example.org"\\).*letter case`));
    expect(emulator().watcher.users().filter((u) => u.login.toLowerCase() === "ivanov@example.org")).toHaveLength(1);
  });

  it("imports by id: matching → kept, nothing written; differing → every difference; missing → clear error", async () => {
    const existing = emulator().watcher.addUser("import-me@example.org", "set-by-hand-3");
    clearLog();
    const matching = { login: "import-me@example.org", leaveDefaultOrganization: false };
    expect((await vsaasUser.check({}, { ...matching, __import: String(existing.id) })).failures).toEqual([]);
    const imported = await vsaasUser.create({ ...matching, __import: String(existing.id) });
    expect(imported.id).toBe(String(existing.id));
    expect(routes().every((r) => r === "watcher.users.index" || r === "watcher.organizations.index")).toBe(true);
    expect((await vsaasUser.check({}, { login: "other@example.org", __import: String(existing.id) })).failures).toEqual([
      { property: "login", reason: expect.stringContaining('declared "other@example.org", VSAAS.IO has "import-me@example.org"') },
      { property: "leaveDefaultOrganization", reason: expect.stringContaining("declared true, VSAAS.IO has false") },
    ]);
    expect((await vsaasUser.check({}, { ...matching, __import: "999999" })).failures).toEqual([
      { property: "__import", reason: expect.stringContaining('VSAAS.IO has no user with id "999999"') },
    ]);
  });
});

describe("vsaasUser: a lost create answer never duplicates, a partial create never leaks", () => {
  it("finds the user a lost POST made (drop after) without sending it again", async () => {
    emulator().faults.set("watcher.users.create", { drop: "after", times: 1 });
    const { id } = await create();
    expect(routes().filter((r) => r === "watcher.users.create")).toHaveLength(1);
    expect(emulator().watcher.users().filter((u) => u.login === "ivanov@example.org").map((u) => String(u.id))).toEqual([id]);
  });

  it("sends again when the lookup shows the POST did not take effect (drop before)", async () => {
    emulator().faults.set("watcher.users.create", { drop: "before", times: 1 });
    await create();
    expect(routes().filter((r) => r === "watcher.users.create")).toHaveLength(2);
    expect(emulator().watcher.users().filter((u) => u.login === "ivanov@example.org")).toHaveLength(1);
  });

  it("ends pending after a 504 (it may still be running), and the next look-up resolves it to the one user", async () => {
    emulator().faults.set("watcher.users.create", { status: 504, times: 1 });
    const error = (await create().catch((e: unknown) => e)) as ResourceInitError;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
    // The 504 was a fault (the POST never ran); the pending placeholder's refresh finds nothing, and
    // the next up creates it — once.
    expect(await vsaasUser.read(error.id, error.properties)).toEqual({});
    await create();
    expect(emulator().watcher.users().filter((u) => u.login === "ivanov@example.org")).toHaveLength(1);
  });

  it("keeps a user whose removal from the default organization failed in the state; the next update finishes it", async () => {
    emulator().faults.set("watcher.organization_users.destroy", { status: 500 });
    const error = (await create().catch((e: unknown) => e)) as ResourceInitError;
    expect(error).toBeInstanceOf(ResourceInitError);
    const watcherUser = emulator().watcher.userByLogin("ivanov@example.org")!;
    expect(error.id).toBe(String(watcherUser.id));
    expect(error.properties).toMatchObject({ login: "ivanov@example.org", leaveDefaultOrganization: false, userId: watcherUser.id });
    expect(error.message).toMatch(/created \d+, but a later step failed: .*HTTP 500/);
    emulator().faults.clear();
    const { outs } = await vsaasUser.update(error.id, error.properties, inputs);
    expect(outs).toMatchObject({ leaveDefaultOrganization: true });
    expect(emulator().watcher.user(watcherUser.id)!.organizations).toEqual([]);
  });
});

describe("vsaasUser: discover", () => {
  it("lists every user but the administrators, with inputs that import without a difference", async () => {
    const seeded = emulator().seed({ organizations: 3, leftInDefaultEvery: 2 });
    const found = [];
    for await (const o of vsaasUser.definition.discover!({})) found.push(o);
    const logins = found.map((o) => o.inputs["login"]);
    expect(logins).toEqual(expect.arrayContaining(seeded.flatMap((s) => s.users.map((u) => u.login))));
    expect(logins).not.toContain(sandbox.vsaas.user);
    for (const o of found) {
      expect((await vsaasUser.check({}, { ...o.inputs, __import: o.id })).failures).toEqual([]);
    }
    const subscriberUser = found.find((o) => o.inputs["login"] === seeded[1]!.users[0]!.login)!;
    expect(subscriberUser.subscriber).toBe(seeded[1]!.title);
    const some = [];
    for await (const o of vsaasUser.definition.discover!({ limit: 2 })) some.push(o);
    expect(some).toHaveLength(2);
  });
});
