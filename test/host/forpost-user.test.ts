import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { READ_CALLS } from "../fixtures/forpost-acme";
import { USER_CREATE_CALLS } from "../fixtures/forpost-subscriber";
import { named, resolved, TYPES, writesOf } from "./forpost-stack";

/**
 * ForpostUser through the packed package and Pulumi's real dynamic-provider host, with the
 * engine's RPC sequences, against the Forpost emulator; the registrations come from
 * examples/forpost run under mocks (with a viewer password configured).
 */
const ADMIN_PASSWORD = "test-only-host-forpost-user-admin-pw";
const USER_PASSWORD = "test-only-host-viewer-pw-1";
const NEW_PASSWORD = "test-only-host-viewer-pw-2";
const secretKeys = ["forpost:adminPassword", "forpost-example:userPassword"];
const fixture = useHostFixture({
  vendor: "forpost",
  sandbox: { forpost: { adminPassword: ADMIN_PASSWORD } },
  secretKeys,
  extraConfig: { "forpost-example:userPassword": USER_PASSWORD },
});
const { vendorCalls, clearVendorLog, program } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let regs: Registration[];
let account: ResourceDescriptor, viewer: ResourceDescriptor;
const emulator = () => sandbox.forpost.emulator;
/** The account and the viewer, the viewer's accountId resolved (the account must exist). */
const stack = (v: ResourceDescriptor = viewer, e: MiniEngine = engine) => [account, resolved(e, v)];
const settle = () => new Promise((r) => setTimeout(r, 1100)); // past the provider's shared lists (1 s)

beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  regs = await program();
  account = named(regs, "acme");
  viewer = named(regs, "viewer");
});

describe("ForpostUser through the provider host", () => {
  it("previews a new user with Check only and no vendor call, its account id unknown", async () => {
    clearVendorLog();
    const steps = await engine.preview([account, withInputs([viewer], { accountId: UNKNOWN })[0]!]);
    expect(steps.map((s) => s.op)).toEqual(["create", "create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("names bad inputs at preview without calling Forpost", async () => {
    clearVendorLog();
    const [step] = await engine.preview(withInputs([viewer], { accountId: "acme", login: "", isReadOnly: "yes" }));
    expect(step!.failures).toEqual([
      { property: "accountId", reason: "must be a Forpost account ID: digits, e.g. the `id` output of the account's resource" },
      { property: "login", reason: "must not be empty" },
      { property: "isReadOnly", reason: 'must be true or false (got "yes")' },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the user in the account; the password is set and kept secret", async () => {
    await engine.up([account]);
    clearVendorLog();
    const steps = await engine.up(stack());
    expect(steps.map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "5001"]]);
    expect(vendorCalls()).toEqual(USER_CREATE_CALLS);
    expect(emulator().users.get(5001)).toMatchObject({ AccountID: 1001, Login: "acme-viewer", IsReadOnly: 1, FIO: "ACME front desk" });
    expect(emulator().users.passwordMatches(5001, USER_PASSWORD)).toBe(true);
    const user = engine.state()[engine.urnOf(TYPES.user, "viewer")]!;
    expect(user.secretOutputKeys).toContain("password");
    expect(user.outputs).toMatchObject({ accountId: "1001", login: "acme-viewer", userId: 5001 });
  });

  it("refreshes without change (one GetAccountUsers), and the next plan is a no-op that calls nothing", async () => {
    await settle();
    clearVendorLog();
    expect((await engine.refresh()).map((s) => [s.op, s.changed])).toEqual([["refresh", false], ["refresh", false]]);
    expect(vendorCalls()).toEqual([...READ_CALLS, "GetAccountUsers"]);
    clearVendorLog();
    expect((await engine.up(stack())).map((s) => s.op)).toEqual(["same", "same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("renames the login with EditUser and changes the password only with EditUserPassword", async () => {
    const changed = resolved(engine, named(await program({ "forpost-example:userLogin": "acme-desk", "forpost-example:userPassword": NEW_PASSWORD }), "viewer"));
    clearVendorLog();
    expect((await engine.preview([account, changed])).map((s) => s.op)).toEqual(["same", "update"]);
    expect(vendorCalls()).toEqual([]);
    expect((await engine.up([account, changed])).map((s) => s.op)).toEqual(["same", "update"]);
    const edits = emulator().log.entries("EditUser").map((e) => Object.keys(e.params).sort());
    expect(edits).toEqual([["AdminLogin", "AdminPassword", "ID", "Login"]]);
    expect(emulator().log.entries("EditUserPassword")).toHaveLength(1);
    expect(emulator().users.passwordMatches(5001, NEW_PASSWORD)).toBe(true);
    viewer = named(await program({ "forpost-example:userLogin": "acme-desk", "forpost-example:userPassword": NEW_PASSWORD }), "viewer");
  });

  it("shows drift made in the portal on refresh; the next up puts it back", async () => {
    emulator().users.patch(5001, { Email: "portal@example.org", IsReadOnly: 0, Phone: "+7 900 000-00-00" });
    await settle();
    const steps = await engine.refresh();
    expect(steps[1]).toMatchObject({ op: "refresh", changed: true });
    const user = engine.state()[engine.urnOf(TYPES.user, "viewer")]!;
    expect(user.inputs).toMatchObject({ isReadOnly: false });
    expect(user.inputs).not.toHaveProperty("email"); // not declared: not managed
    expect((await engine.preview(stack())).map((s) => s.op)).toEqual(["same", "update"]);
    await engine.up(stack());
    expect(emulator().users.get(5001)).toMatchObject({ IsReadOnly: 1, Email: "portal@example.org" });
  });

  it("replaces the user when its account changes, deleting the old one first (a login cannot exist twice)", async () => {
    const other = emulator().accounts.add({ Name: "Other", MaxCameraCount: 1, MaxLoginCount: 2, MaxCameraOnlineTranslationCount: 1, MaxCameraArchivalTranslationCount: 1, MaxCameraUserOnlineTranslationCount: 1, MaxCameraUserArchivalTranslationCount: 1, ContractNumber: "C-OTHER" });
    const moved = withInputs([resolved(engine, viewer)], { accountId: String(other.ID) })[0]!;
    expect((await engine.preview([account, moved]))[1]).toMatchObject({ op: "replace", replaceOrder: "delete-before-create" });
    clearVendorLog();
    const steps = await engine.up([account, moved]);
    expect(steps.map((s) => s.op)).toEqual(["same", "delete", "replace"]);
    expect(writesOf(vendorCalls())).toEqual(["DeleteUser", "AddUser"]);
    expect(emulator().users.list().map((u) => [u.ID, u.AccountID, u.Login])).toEqual([[5002, other.ID, "acme-desk"]]);
    await engine.up(stack());
    expect(emulator().users.list().map((u) => u.AccountID)).toEqual([1001]);
  });

  it("destroys; deleting again and refreshing a deleted user both succeed, the latter as gone", async () => {
    const urn = engine.urnOf(TYPES.user, "viewer");
    const state = engine.state()[urn]!;
    const neighbour = emulator().users.add({ AccountID: 1002, Login: "neighbour", Password: "pw-neighbour" });
    clearVendorLog();
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete", "delete"]);
    expect(writesOf(vendorCalls())).toEqual(["DeleteUser", "DeleteAccount"]);
    expect(emulator().users.get(neighbour.ID)).toBeDefined();
    await expect(host.delete(urn, state.id, state.outputs)).resolves.toBeUndefined();
    expect((await host.read(urn, state.id, state.outputs, {})).id).toBe("");
  });

  it("never duplicates a user whose AddUser answer was lost, and keeps one whose read-back failed", async () => {
    emulator().reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await fresh.up([account]);
    emulator().faults.set("AddUser", { drop: "after", times: 1 });
    expect((await fresh.up(stack(viewer, fresh))).map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "5001"]]);
    expect(emulator().users.list()).toHaveLength(1);
    expect(emulator().log.entries("AddUser")).toHaveLength(1);
    expect((await fresh.destroy()).map((s) => s.op)).toEqual(["delete", "delete"]);

    emulator().reset();
    const again = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await again.up([account]);
    emulator().faults.set("GetAccountUsers", { after: 1, status: 500, body: { ErrorCode: 1, Error: "db busy" }, times: 4 });
    const [, step] = await again.up(stack(viewer, again));
    expect(step!.initFailed?.id).toBe("5001");
    expect(Object.values(again.state()).map((s) => s.id)).toEqual(["1001", "5001"]);
    emulator().faults.clear();
    expect((await again.up(stack(viewer, again))).map((s) => s.op)).toEqual(["same", "update"]);
    expect(emulator().users.list()).toHaveLength(1);
    await again.destroy();
  });

  it("imports a user by id: a match writes nothing; a mismatch lists every difference; a missing id is named", async () => {
    emulator().reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await fresh.up([account]);
    emulator().users.add({ AccountID: 1001, Login: "acme-desk", Password: "portal-pw", IsReadOnly: 1 });
    const importing = (extra: Record<string, unknown>) => withInputs([resolved(fresh, viewer)], { __import: "5001", ...extra })[0]!;
    clearVendorLog();
    const mismatch = await fresh.preview([account, importing({ isReadOnly: false, login: "someone" })]);
    expect(mismatch[1]!.failures!.map((f) => f.property)).toEqual(["login", "isReadOnly"]);
    expect((await fresh.preview([account, importing({ __import: "5999" })]))[1]!.failures).toEqual([
      { property: "__import", reason: 'Forpost has no user with id "5999" (it does not exist, or is another kind of object): check the id' },
    ]);
    expect((await fresh.up([account, importing({})])).map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "5001"]]);
    expect(writesOf(vendorCalls())).toEqual([]);
    // The password cannot be checked: it is taken as declared, and the portal's stays.
    expect(emulator().users.passwordMatches(5001, "portal-pw")).toBe(true);
    await fresh.destroy();
  });

  it("adopts by login: absent → created, present → adopted with the differences applied", async () => {
    emulator().reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await fresh.up([account]);
    const adopting = withInputs([resolved(fresh, viewer)], { __adopt: true })[0]!;
    expect((await fresh.up([account, adopting])).map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "5001"]]);
    await fresh.destroy();
    emulator().reset();
    const second = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await second.up([account]);
    emulator().users.add({ AccountID: 1001, Login: "acme-desk", Password: "portal-pw", IsReadOnly: 0 });
    clearVendorLog();
    expect((await second.up([account, withInputs([resolved(second, viewer)], { __adopt: true })[0]!])).map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "5001"]]);
    expect(writesOf(vendorCalls())).toEqual(["EditUser"]);
    expect(emulator().users.get(5001)).toMatchObject({ IsReadOnly: 1 });
    await second.destroy();
  });

  it("answers concurrent Reads of many users with one GetAccountUsers per account", async () => {
    emulator().reset();
    await host.configure(config, { secretKeys });
    const { subscribers } = emulator().seed({ accounts: 8, usersPerAccount: 4, camerasPerAccount: 0 });
    const urn = engine.urnOf(TYPES.user, "viewer");
    clearVendorLog();
    const reads = await Promise.all(
      subscribers.flatMap((s) => s.userIds.map((id) => host.read(urn, String(id), { __provider: viewer.inputs["__provider"], accountId: String(s.accountId), __declared: ["accountId", "login"] }, {}))),
    );
    expect(reads.filter((r) => r.id !== "")).toHaveLength(32);
    expect(vendorCalls().filter((c) => c === "GetAccountUsers")).toHaveLength(8);
    expect(vendorCalls()).toHaveLength(8);
  });

  it("never leaves a password in the state, the host's output or an error", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) {
      for (const secret of [ADMIN_PASSWORD, USER_PASSWORD, NEW_PASSWORD]) expect(text).not.toContain(secret);
    }
  });
});
