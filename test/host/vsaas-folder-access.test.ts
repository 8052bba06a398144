import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { exampleRegistrations } from "../fixtures/vsaas-example";
import { afterListsExpire, FOLDER_CREATE_CALLS, FOLDER_DELETE_CALLS, FOLDER_UPDATE_CALLS, MEMBER_CREATE_CALLS, MEMBER_READ_CALLS } from "../fixtures/vsaas-watcher";

/**
 * VsaasFolderAccess through the packed package and the real provider host, with its membership
 * (the example's two registrations) — and, at the end, the example's whole subscriber: the login,
 * its membership and its folder right, after which the sandbox answers that the subscriber can log
 * in and see the folder's cameras (issue 11's acceptance).
 */
const PASSWORD = "test-only-host-vsaas-folder-billing-pw";
const USER_PASSWORD = "test-only-host-folder-subscriber-pw";
const LOGIN = "ivanov.viewer@example.org";
const TYPE = "pulumi-nodejs:dynamic/vsaas:FolderAccess";
const SECRET_KEYS = ["vsaas:password", "vsaas:watcherApiKey"];
const fixture = useHostFixture({ vendor: "vsaas", sandbox: { vsaas: { password: PASSWORD } }, secretKeys: SECRET_KEYS });
const { emulator, vendorCalls, clearVendorLog } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let registrations: Awaited<ReturnType<typeof exampleRegistrations>>;
let orgId: number, userId: number, cameras: number, entrance: number;
let member: ResourceDescriptor[], folder: ResourceDescriptor[];
const ops = (steps: Array<{ op: string }>) => steps.map((s) => s.op);
const stateOf = (e: MiniEngine, type: string) => Object.values(e.state()).find((r) => r.type === type)!;
const newEngine = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
const sees = (folderId = cameras) => emulator().watcher.access({ login: LOGIN, password: USER_PASSWORD, organizationId: orgId, folderId });
const both = (folderInputs: Record<string, unknown> = {}) => [...member, ...withInputs(folder, folderInputs)];

beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  registrations = await exampleRegistrations(fixture.programDir, config, emulator(), USER_PASSWORD);
  emulator().reset();
  orgId = emulator().organizations.add({ title: "Ivanov family", owner: "ivanov@example.org" })["external_id"] as number;
  userId = emulator().watcher.addUser(LOGIN, USER_PASSWORD).id;
  cameras = emulator().watcher.folders(orgId)[0]!["id"] as number;
  entrance = emulator().watcher.addFolder(orgId, "Entrance").id;
  member = withInputs([registrations.member], { watcherOrganizationId: orgId, userId });
  folder = withInputs([registrations.folder], { membershipId: `${orgId}/${userId}`, folderId: cameras });
});
afterEach(() => emulator().faults.clear());

describe("VsaasFolderAccess through the provider host", () => {
  it("previews with Check only and no Watcher call, unknowns accepted; bad inputs are named", async () => {
    clearVendorLog();
    expect(ops(await engine.preview(withInputs(folder, { membershipId: UNKNOWN, folderId: UNKNOWN })))).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    const [bad] = await engine.preview(withInputs(folder, { membershipId: "774-1181", canUsePtz: "1" }));
    expect(bad!.failures).toEqual([
      { property: "membershipId", reason: expect.stringContaining("must be a VsaasOrganizationUser id") },
      { property: "canUsePtz", reason: 'must be true or false (got "1")' },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the membership, then the folder right: the subscriber sees the cameras", async () => {
    expect(sees()).toMatchObject({ canLogIn: true, member: false, canViewCameras: false });
    clearVendorLog();
    expect(await engine.up(both())).toMatchObject([{ op: "create", id: `${orgId}/${userId}` }, { op: "create", id: `${orgId}/${cameras}/${userId}` }]);
    expect(vendorCalls()).toEqual([...MEMBER_CREATE_CALLS, ...FOLDER_CREATE_CALLS]);
    expect(sees()).toMatchObject({ member: true, canViewCameras: true, folder: { can_view_dvr: true } });
    expect(stateOf(engine, TYPE).outputs).toMatchObject({ membershipId: `${orgId}/${userId}`, folderId: cameras, canViewDvr: true, canUsePtz: false, watcherOrganizationId: orgId, userId });
  });

  it("refreshes both from one member list; a no-op calls nothing", async () => {
    await afterListsExpire();
    clearVendorLog();
    // (The mini engine reads one resource after another; the second read shares the first's list.)
    // The membership's outputs do not list its folders: a new right never shows as a change of the membership.
    expect(await engine.refresh()).toMatchObject([
      { op: "refresh", changed: false },
      { op: "refresh", changed: false },
    ]);
    expect(vendorCalls()).toEqual(MEMBER_READ_CALLS);
    clearVendorLog();
    expect(ops(await engine.up(both()))).toEqual(["same", "same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates rights in place: the grant again, read back", async () => {
    clearVendorLog();
    expect(ops(await engine.up(both({ canUsePtz: true, dvrDepthLimit: 7 })))).toEqual(["same", "update"]);
    expect(vendorCalls()).toEqual(FOLDER_UPDATE_CALLS);
    expect(sees().folder).toEqual({ can_view_dvr: true, can_use_ptz: true, can_use_actions: false, dvr_depth_limit: 7 });
    folder = withInputs(folder, { canUsePtz: true, dvrDepthLimit: 7 });
  });

  it("shows rights changed and a right revoked in the web interface on refresh; the next up puts them back", async () => {
    emulator().watcher.grantFolder(orgId, cameras, userId, { can_view_dvr: false, can_use_ptz: true, dvr_depth_limit: 7 });
    await afterListsExpire();
    await engine.refresh();
    expect(stateOf(engine, TYPE).inputs).toMatchObject({ canViewDvr: false });
    expect(ops(await engine.up(both()))).toEqual(["same", "update"]);
    expect(sees().folder).toMatchObject({ can_view_dvr: true });
    emulator().watcher.revokeFolder(orgId, cameras, userId);
    await afterListsExpire();
    expect(ops(await engine.refresh())).toEqual(["refresh", "gone"]);
    expect(ops(await engine.up(both()))).toEqual(["same", "create"]);
    expect(sees().canViewCameras).toBe(true);
  });

  it("replaces on another folder; destroy revokes the right, keeping the membership and the user's other rights", async () => {
    emulator().watcher.grantFolder(orgId, entrance, userId, { can_view_dvr: true, can_use_actions: true });
    clearVendorLog();
    const steps = await engine.up(both({ folderId: entrance }));
    // The right on the entrance was granted by hand: the replacement's create refuses to take it over silently.
    expect(steps[1]).toMatchObject({ op: "replace", error: expect.stringMatching(/already has a folder access .*adoptExisting/) });
    emulator().watcher.revokeFolder(orgId, entrance, userId);
    await afterListsExpire();
    clearVendorLog();
    const replaced = await engine.up(both({ folderId: entrance }));
    expect(replaced).toMatchObject([{ op: "same" }, { op: "replace", id: `${orgId}/${entrance}/${userId}` }, { op: "delete", replacedId: `${orgId}/${cameras}/${userId}` }]);
    expect(sees(entrance).canViewCameras).toBe(true);
    expect(sees(cameras).canViewCameras).toBe(false);
    expect(emulator().watcher.member(orgId, userId)).toBeDefined();
    folder = withInputs(folder, { folderId: entrance });
  });

  it("destroys: the right goes first (5 calls), then the membership; deleting again succeeds", async () => {
    const access = stateOf(engine, TYPE);
    clearVendorLog();
    expect(ops(await engine.destroy())).toEqual(["delete", "delete"]);
    expect(vendorCalls()).toEqual([...FOLDER_DELETE_CALLS, "watcher.organization_users.destroy"]);
    expect(sees(entrance)).toMatchObject({ member: false, canViewCameras: false });
    const urn = engine.urnOf(TYPE, "ivanov-cameras");
    clearVendorLog();
    await expect(host.delete(urn, access.id, access.outputs)).resolves.toBeUndefined();
    expect(vendorCalls()).toEqual(["watcher.organization_users.index"]);
  });

  it("never duplicates after a lost answer; keeps nothing when the user is no member (a clear error)", async () => {
    const fresh = newEngine();
    emulator().faults.set("watcher.folder_users.create", { drop: "after", times: 2 });
    expect(ops(await fresh.up(both({ folderId: cameras })))).toEqual(["create", "create"]);
    expect(sees().canViewCameras).toBe(true);
    await fresh.destroy();
    // The membership is gone with the destroy: a right for a user who is no member is refused, and nothing is kept.
    const alone = await newEngine().up(withInputs(folder, { membershipId: `${orgId}/${userId}`, folderId: cameras }));
    expect(alone[0]!.error).toMatch(/user \d+ is not a member of organization \d+: create the VsaasOrganizationUser first/);
    expect(alone[0]!.initFailed).toBeUndefined();
  });

  it("imports by id (a match writes nothing; a difference is listed) and adopts by membership + folder", async () => {
    emulator().watcher.addMember(orgId, userId);
    emulator().watcher.grantFolder(orgId, cameras, userId, { can_view_dvr: true, can_use_ptz: true, dvr_depth_limit: 7 });
    const id = `${orgId}/${cameras}/${userId}`;
    const importing = withInputs(folder, { folderId: cameras, __import: id });
    clearVendorLog();
    await afterListsExpire();
    expect(await newEngine().up(importing)).toMatchObject([{ op: "create", id }]);
    expect(vendorCalls().every((r) => r!.endsWith(".index"))).toBe(true);
    const [differs] = await newEngine().preview(withInputs(importing, { canUsePtz: false }));
    expect(differs!.failures).toEqual([{ property: "canUsePtz", reason: expect.stringContaining("declared false, VSAAS.IO has true") }]);
    const adopter = newEngine();
    expect(await adopter.up(withInputs(folder, { folderId: cameras, canUseActions: true, __adopt: true }))).toMatchObject([{ op: "create", id }]);
    expect(sees().folder).toMatchObject({ can_use_actions: true });
    await adopter.destroy();
    expect(sees()).toMatchObject({ member: true, canViewCameras: false });
    emulator().watcher.removeMember(orgId, userId);
  });

  it("refreshes the rights of many members with one list (concurrent reads)", async () => {
    const made = Array.from({ length: 30 }, (_, i) => {
      const id = emulator().watcher.addUser(`f${i}@example.org`, "pw-pw-pw").id;
      emulator().watcher.addMember(orgId, id);
      emulator().watcher.grantFolder(orgId, cameras, id, {});
      return id;
    });
    await afterListsExpire();
    clearVendorLog();
    const provider = registrations.folder.inputs["__provider"];
    const urn = engine.urnOf(TYPE, "many");
    const reads = await Promise.all(made.map((id) => host.read(urn, `${orgId}/${cameras}/${id}`, { __provider: provider }, { __provider: provider })));
    expect(reads.map((r) => r.id)).toEqual(made.map((id) => `${orgId}/${cameras}/${id}`));
    expect(vendorCalls()).toEqual(["watcher.organization_users.index"]);
  });
});

describe("the example's subscriber (issue 11's acceptance)", () => {
  it("logs in as a member of the organization with access to its folder, all four resources through the host", async () => {
    emulator().reset();
    const subscriber = newEngine();
    // The organization first: the folder lookup of the program needs its Watcher id.
    const [orgStep] = await subscriber.up([registrations.org]);
    expect(orgStep!.op).toBe("create");
    const org = stateOf(subscriber, "pulumi-nodejs:dynamic/vsaas:Organization").outputs;
    const externalId = org["externalId"] as number;
    const [userStep] = await subscriber.up([registrations.org, registrations.user]).then((s) => s.slice(1));
    const login = stateOf(subscriber, "pulumi-nodejs:dynamic/vsaas:User").outputs;
    expect(userStep!.op).toBe("create");
    const folderId = emulator().watcher.folders(externalId).find((f) => f["title"] === "Cameras")!["id"] as number;
    const all = [
      registrations.org,
      registrations.user,
      ...withInputs([registrations.member], { watcherOrganizationId: externalId, userId: login["userId"] }),
      ...withInputs([registrations.folder], { membershipId: `${externalId}/${String(login["userId"])}`, folderId }),
    ];
    expect(ops(await subscriber.up(all))).toEqual(["same", "same", "create", "create"]);
    expect(emulator().watcher.access({ login: "ivanov.viewer@example.org", password: USER_PASSWORD, organizationId: externalId, folderId })).toEqual({
      canLogIn: true,
      userId: login["userId"],
      member: true,
      folder: { can_view_dvr: true, can_use_ptz: false, can_use_actions: false, dvr_depth_limit: null },
      canViewCameras: true,
      organizations: [externalId],
    });
    for (const text of [subscriber.stateJson(), host.stderr, host.stdout]) {
      for (const secret of [PASSWORD, USER_PASSWORD, sandbox.vsaas.watcherApiKey]) expect(text).not.toContain(secret);
    }
    expect(ops(await subscriber.destroy())).toEqual(["delete", "delete", "delete", "delete"]);
    expect(emulator().organizations.list()).toEqual([]);
    expect(emulator().watcher.userByLogin("ivanov.viewer@example.org")).toBeUndefined();
  });
});
